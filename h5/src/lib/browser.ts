/**
 * Leaving the app for another URL (OAuth, the SP's pay-complete page, an ad). One object so tests
 * can swap the methods: jsdom does not navigate.
 */
export const browser = {
  /** Replaces the current history entry: back does not return here. */
  replace (url: string): void { window.location.replace(url) },
  assign (url: string): void { window.location.assign(url) },
}
