/**
 * The doctor's public API, by check family: check.ts (the line type and its helpers), config.ts
 * (configuration, database), keys.ts (stored keys and certificates, pure), probes.ts (one bounded
 * call per channel), tenants.ts (every service provider and merchant, probes in parallel).
 */
export { EXPIRY_MARGIN_DAYS, formatCheck, scrub, type Check } from './check'
export { checkConfig, checkDatabase } from './config'
export { checkAlipayKeys, checkCertificateValidity, checkWechatPayKeys, type WechatPayKeys } from './keys'
export { probeAlipay, probeOfficialAccount, probeWechatPay } from './probes'
export { checkTenants, type DoctorDeps } from './tenants'
