// End-to-end against the real xjz-api with the embedded simulator (DESIGN.md §6).
// Skipped unless XJZ_E2E_BASE_URL is set (e.g. http://127.0.0.1:8080 after
// `xjz-api serve` with a built frontend/dist and a seeded user). Credentials come from
// XJZ_E2E_USER / XJZ_E2E_PASSWORD. NOT YET RUN: the API is being built; selectors follow
// the components' data-test attributes and may need small adjustments then.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { deflateSync } from 'node:zlib'
import { chromiumAvailable, launch, newPage } from './lib/browser.mjs'

const BASE = process.env.XJZ_E2E_BASE_URL
const USER = process.env.XJZ_E2E_USER ?? 'admin'
const PASSWORD = process.env.XJZ_E2E_PASSWORD ?? ''
const skip = !BASE ? 'XJZ_E2E_BASE_URL not set' : !chromiumAvailable() ? 'no /usr/bin/chromium' : false

/** A valid PNG of at least 5,120 bytes (noise so it does not compress below the minimum). */
function pngOver5k() {
  const w = 64
  const h = 64
  const crc = (buf) => {
    let c = ~0
    for (const b of buf) {
      c ^= b
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
    }
    return ~c >>> 0
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type), data])
    const c = Buffer.alloc(4)
    c.writeUInt32BE(crc(td))
    return Buffer.concat([len, td, c])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8
  ihdr[9] = 2
  const raw = Buffer.alloc((w * 3 + 1) * h)
  let seed = 7
  for (let i = 0; i < raw.length; i++) raw[i] = i % (w * 3 + 1) === 0 ? 0 : (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

describe('admin page against the real server', { skip }, () => {
  let browser, page, errors
  const merchant = `E2E商户${Date.now()}`

  before(async () => {
    browser = await launch()
    ;({ page, errors } = await newPage(browser))
  })
  after(async () => browser?.close())

  it('logs in', async () => {
    await page.goto(`${BASE}/login`)
    await page.fill('input[name="username"]', USER)
    await page.fill('input[name="password"]', PASSWORD)
    await page.click('[data-test="login-submit"]')
    await page.waitForURL(/\/payment\/facetoface/)
  })

  it('sees a field error for a bad mobile number', async () => {
    await page.click('[data-test="apply-btn"]')
    await page.fill('[data-test="f-contact_mobile"]', '1380013800')
    await page.click('[data-test="apply-submit"]')
    await page.waitForSelector('.el-form-item.is-error >> text=请输入 11 位手机号')
  })

  it('submits an application with images and finds it', async () => {
    await page.fill('[data-test="f-account"]', 'e2e@example.com')
    await page.fill('[data-test="f-merchant_name"]', merchant)
    await page.fill('[data-test="f-contact_name"]', '测试')
    await page.fill('[data-test="f-contact_mobile"]', '13800138000')
    await page.click('[data-test="f-mcc_code"]')
    await page.click('.el-select-dropdown__item >> nth=0')
    await page.fill('[data-test="f-shop_name"]', '测试门店')
    await page.setInputFiles('[data-test="image-shop_scene_pic"] input[type=file]', { name: 'scene.png', mimeType: 'image/png', buffer: pngOver5k() })
    await page.click('[data-test="apply-submit"]')
    await page.waitForSelector('[data-test="apply-form"]', { state: 'hidden' })
    await page.fill('input[data-test="search-merchant"]', merchant)
    await page.click('[data-test="search-btn"]')
    await page.waitForSelector(`.el-table__row:has-text("${merchant}")`)
  })

  it('opens the detail and refreshes until the QR code shows', async () => {
    await page.locator(`.el-table__row:has-text("${merchant}") [data-test="action-detail"]`).click()
    for (let i = 0; i < 20; i++) {
      if (await page.locator('[data-test="confirm-qr"]').count()) break
      const refresh = page.locator('[data-test="drawer-refresh"]')
      if (await refresh.count()) await refresh.click()
      await page.waitForTimeout(1000)
    }
    assert.equal(await page.locator('[data-test="confirm-qr"]').count(), 1)
    await page.keyboard.press('Escape')
  })

  it('cancels an INIT application', { todo: 'needs a seeded INIT order (simulator fault injection)' }, () => {})
  it('re-applies a rejected one', { todo: 'needs a seeded CLOSED/rejected order (simulator scenario)' }, () => {})

  it('logged no page errors', () => assert.deepEqual(errors, []))
})
