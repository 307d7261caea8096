// Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by
// playwright-core. Never downloads a browser (playwright-core has no browser of its own).
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function chromiumAvailable() {
  return existsSync(CHROMIUM_PATH)
}

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  })
}

/** A page 1280 px wide (the narrowest width the admin must read well at), zh-CN. */
export async function newPage(browser, { width = 1280, height = 800 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  page.on('console', (m) => {
    // The browser logs every 4xx answer; expected ones (422 in tests) are not page errors.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  return { context, page, errors }
}
