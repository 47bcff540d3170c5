export { shiftRoutes, type ShiftRouteDeps } from './shifts.routes'
export { ShiftsService, type ShiftsDeps } from './shifts.service'
export { handoverWindows, windowsTouching, summaryText, chinaTime, type ShiftRecord, type HandoverWindow, type ShiftSummary, type HandoverTotals } from './handover'
export * from './shifts.schema'
