/**
 * Debian's Chromium, headless, driven by playwright-core (which downloads no browser of its own):
 * the browser that logs in through the local tenant's login page in tests and benchmarks.
 */
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/**
 * A fresh browser profile in `userDataDir`. The flags keep Chromium off the network it would call at
 * start (updates, sync, background fetches) and out of the sandbox it cannot set up as root.
 */
export function launchHeadlessChromium(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    // The local CA is not in Chromium's NSS store; the code exchange after the redirect checks the certificate.
    ignoreHTTPSErrors: true,
  });
}
