/** How the app is signed in: the weapp's bearer session (linked or not yet), or the H5 cookie. */
export type LoginOutcome = { kind: 'bearer', linked: boolean } | { kind: 'cookie' }
