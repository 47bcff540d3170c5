/**
 * Mini-program: the session is a bearer header (lib/login.weapp.ts), and an `<image src>` request
 * cannot carry headers, so a PNG route under the session would answer 401.
 */
export const IMAGES_CARRY_SESSION = false
