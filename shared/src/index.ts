export * from './money'
export * from './errors'
export * from './ids'
export * from './zod'
