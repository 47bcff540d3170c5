/**
 * H5: the page is served by the API's origin and the session is the `yima_wx` cookie, which an
 * `<img>` request carries, so a PNG route under the session can be shown directly.
 */
export const IMAGES_CARRY_SESSION = true
