// Loaded with --require into the processes bench/startup.ts measures: answers 'memory' over IPC
// with process.memoryUsage(). The channel is unref'd, so it never keeps a stopping server alive.
process.channel?.unref()
process.on('message', (m) => {
  if (m === 'memory' && process.send !== undefined) process.send(process.memoryUsage())
})
