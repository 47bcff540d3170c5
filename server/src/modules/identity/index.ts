export { IdentityService, ACCESS_TTL_SEC, SESSION_TTL_MS, type Actor, type AccountView, type SessionTokens } from './identity.service'
export { identityRoutes } from './routes'
export { accounts, sessions } from './identity.schema'
