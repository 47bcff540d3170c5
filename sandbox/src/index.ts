// The simulators arrive with issue 3; see ../../shared/spec/channels.md §5 for their design.
export {}
