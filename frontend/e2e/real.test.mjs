// End-to-end against the real xjz-api (embedded default: SQLite, the built-in Alipay
// simulator, the embedded worker) serving the built page. Skipped unless XJZ_E2E_BASE_URL is
// set; `just e2e-real` builds everything and runs this file through scripts/with-server.sh,
// which provides XJZ_E2E_BASE_URL, XJZ_E2E_USER (an operator), XJZ_E2E_VIEWER,
// XJZ_E2E_PASSWORD and XJZ_E2E_SIM_ADMIN_URL (the simulator's admin API, docs/simulator.md).
//
// Each application gets its own account, and the simulator's scenario is set per account
// (PUT /__sim/scenario/accounts/{account}), so the tests do not depend on each other's
// timing. Fails on any page error, any console error, and any API answer ≥ 400 that the test
// did not announce (`expectFailure`).
import { after, afterEach, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { deflateSync } from 'node:zlib'
import { chromiumAvailable, launch, newPage } from './lib/browser.mjs'

const BASE = process.env.XJZ_E2E_BASE_URL
const USER = process.env.XJZ_E2E_USER ?? 'admin'
const VIEWER = process.env.XJZ_E2E_VIEWER
const PASSWORD = process.env.XJZ_E2E_PASSWORD ?? ''
const SIM = process.env.XJZ_E2E_SIM_ADMIN_URL
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

/** The simulator's admin API (JSON). */
async function sim(method, path, body) {
  assert.ok(SIM, 'XJZ_E2E_SIM_ADMIN_URL not set')
  const res = await fetch(`${SIM}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  assert.ok(res.ok, `${method} ${path}: HTTP ${res.status} ${await res.text()}`)
  return res
}

/** The scenario of batches created for `account` from now on. */
const scenarioFor = (account, scenario) => sim('PUT', `/scenario/accounts/${encodeURIComponent(account)}`, scenario)

const STAMP = Date.now().toString(36)
const app = (tag) => ({ account: `e2e-${tag}-${STAMP}@example.com`, merchant: `E2E${tag}商户${STAMP}`, shop: `E2E${tag}门店` })

describe('admin page against the real server', { skip }, () => {
  let browser, page, errors
  /** API failures the test expects next, as `METHOD path-regexp status`; each is used once. */
  const expected = []
  const unexpected = []
  const expectFailure = (method, path, status) => expected.push({ method, path, status })

  before(async () => {
    browser = await launch()
    ;({ page, errors } = await newPage(browser))
    page.on('response', (res) => {
      const url = new URL(res.url())
      if (!url.pathname.startsWith('/api/') || res.status() < 400) return
      const method = res.request().method()
      const i = expected.findIndex((e) => e.method === method && e.path.test(url.pathname) && e.status === res.status())
      if (i >= 0) expected.splice(i, 1)
      else unexpected.push(`${method} ${url.pathname}${url.search} → ${res.status()}`)
    })
    page.setDefaultTimeout(15_000)
    if (process.env.E2E_DEBUG) {
      page.on('request', (r) => r.url().includes('/api/') && console.log('# >', r.method(), r.url()))
      page.on('requestfailed', (r) => console.log('# failed', r.url(), r.failure()?.errorText))
      page.on('response', (r) => r.url().includes('/api/') && console.log('# <', r.status(), r.url()))
    }
  })
  after(async () => browser?.close())
  // E2E_SHOT_DIR=/tmp/shots: a screenshot of the page after each failed test.
  afterEach(async (t) => {
    if (process.env.E2E_SHOT_DIR && t.passed === false && page) {
      await page.screenshot({ path: `${process.env.E2E_SHOT_DIR}/${t.name.replace(/[^\w-]+/g, '_')}.png` }).catch(() => undefined)
    }
  })

  // ---- helpers ------------------------------------------------------------------------------
  const row = (merchant) => page.locator('[data-test="row"]', { hasText: merchant })

  async function search(merchant) {
    await page.fill('input[data-test="search-merchant"]', merchant)
    await page.click('[data-test="search-btn"]')
    await row(merchant).first().waitFor()
  }

  /** Clicks 刷新 on the list until the merchant's (first) row shows `label`. */
  async function waitForStatus(merchant, label, timeoutMs = 30_000) {
    const until = Date.now() + timeoutMs
    for (;;) {
      const tags = await row(merchant).locator('[data-test="status-tag"]').allTextContents()
      if (tags.some((t) => t.trim() === label)) return
      assert.ok(Date.now() < until, `${merchant}: still ${tags.join(', ')} after ${timeoutMs} ms, waiting for ${label}`)
      await page.waitForTimeout(1000)
      await page.click('[data-test="refresh-btn"]')
      await page.waitForLoadState('networkidle')
    }
  }

  async function openApply() {
    await page.click('[data-test="apply-btn"]')
    await page.waitForSelector('[data-test="apply-form"]')
  }

  async function fillApplication({ account, merchant, shop }, { mobile = '13800138000', image = false } = {}) {
    await page.fill('[data-test="f-account"]', account)
    await page.fill('[data-test="f-merchant_name"]', merchant)
    await page.fill('[data-test="f-contact_name"]', '测试')
    await page.fill('[data-test="f-contact_mobile"]', mobile)
    await page.click('[data-test="f-mcc_code"]')
    await page.click('.el-select-dropdown__item:visible >> nth=0')
    await page.fill('[data-test="f-shop_name"]', shop)
    if (image) {
      await page.setInputFiles('[data-test="image-shop_scene_pic"] input[type=file]', { name: 'scene.png', mimeType: 'image/png', buffer: pngOver5k() })
    }
  }

  async function submitAndWaitClosed() {
    await page.click('[data-test="apply-submit"]')
    await page.waitForSelector('[data-test="apply-form"]', { state: 'hidden', timeout: 30_000 })
  }

  // ---- tests --------------------------------------------------------------------------------
  it('logs in (operator)', async () => {
    await page.goto(`${BASE}/payment/facetoface`)
    await page.waitForURL(/\/login\?redirect=/)
    await page.fill('input[name="username"]', USER)
    await page.fill('input[name="password"]', PASSWORD)
    await page.click('[data-test="login-submit"]')
    await page.waitForURL(/\/payment\/facetoface$/)
    assert.match(await page.textContent('[data-test="user"]'), new RegExp(USER))
    assert.match(await page.textContent('[data-test="tenant"]'), /\S/)
    await page.waitForSelector('[data-test="table"]')
  })

  const qr = app('qr')

  it("shows the server's field error for a bad mobile number on the field", async () => {
    await scenarioFor(qr.account, { kind: 'approve', audit_queries: 1, confirm_queries: 1000 })
    await openApply()
    // The client rule first…
    await fillApplication(qr, { mobile: '1380013800' })
    await page.click('[data-test="apply-submit"]')
    await page.waitForSelector('.el-form-item.is-error >> text=请输入 11 位手机号')
    // …then one it lets through and the server refuses: the outgoing request carries a
    // 12… number (the server's rule: 13–19), as a client whose rule lagged would send.
    await page.fill('[data-test="f-contact_mobile"]', '13800138000')
    let patchProblem = null
    await page.route('**/api/v1/payment/facetoface/apply', async (route) => {
      const body = route.request().postDataBuffer()
      const from = Buffer.from('name="contact_mobile"\r\n\r\n13800138000')
      const at = body ? body.indexOf(from) : -1
      if (at < 0) {
        patchProblem = `no contact_mobile part in ${body ? body.length : 'no'} bytes: ${body?.subarray(0, 400).toString()}`
        return route.continue()
      }
      const patched = Buffer.concat([body.subarray(0, at), Buffer.from('name="contact_mobile"\r\n\r\n12800138000'), body.subarray(at + from.length)])
      await route.continue({ postData: patched })
    }, { times: 1 })
    expectFailure('POST', /\/apply$/, 422)
    await page.click('[data-test="apply-submit"]')
    const item = page.locator('.el-form-item.is-error', { has: page.locator('[data-test="f-contact_mobile"]') })
    await item.waitFor().catch((e) => {
      throw patchProblem ? new Error(patchProblem) : e
    })
    assert.match(await item.locator('.el-form-item__error').textContent(), /mainland mobile|手机/)
  })

  it('submits an application with an image through the dialog and finds it in the list', async () => {
    // Same dialog (same idempotency key): the corrected request goes through.
    await fillApplication(qr, { image: true })
    await submitAndWaitClosed()
    await search(qr.merchant)
    assert.equal(await row(qr.merchant).count(), 1)
  })

  it('refreshes the detail until the merchant-confirm QR code shows', async () => {
    await row(qr.merchant).locator('[data-test="action-detail"]').click()
    await page.waitForSelector('[data-test="detail-drawer"] .detail-drawer__title')
    // The stored image is listed by the detail and fetched.
    await page.waitForSelector('.detail-drawer__images img')
    const until = Date.now() + 40_000
    while (!(await page.locator('[data-test="confirm-qr"]').count())) {
      assert.ok(Date.now() < until, 'no QR code after 40 s')
      await page.waitForTimeout(1000)
      const refresh = page.locator('[data-test="drawer-refresh"]')
      if (await refresh.count()) await refresh.click()
    }
    assert.match(await page.getAttribute('[data-test="confirm-qr"]', 'src'), /^data:image\/png;base64,/)
    assert.match(await page.textContent('[data-test="confirm-url"]'), /^https?:\/\//)
    const timeline = await page.textContent('[data-test="timeline"]')
    assert.match(timeline, /提交申请/)
    assert.match(timeline, /待商家确认/)
    await page.keyboard.press('Escape')
    await page.waitForSelector('[data-test="detail-drawer"]', { state: 'hidden' })
  })

  it('cancels an INIT application (sign refused once by the simulator)', async () => {
    const init = app('init')
    await sim('POST', '/faults', { fault: { kind: 'business_error' }, method: 'alipay.open.agent.facetoface.sign', count: 1 })
    await openApply()
    await fillApplication(init)
    expectFailure('POST', /\/apply$/, 502)
    await page.click('[data-test="apply-submit"]')
    // Stored but not submitted: the dialog closes, says so and offers to resume; later.
    const box = page.locator('.el-message-box', { hasText: '提交未完成' })
    await box.waitFor()
    await box.locator('.el-button', { hasText: '稍后' }).click()
    await search(init.merchant)
    await waitForStatus(init.merchant, '待提交', 5000)
    await row(init.merchant).locator('[data-test="action-more"]').click()
    await page.click('[data-test="more-menu"] [data-test="action-cancel"]')
    await page.locator('.el-message-box', { hasText: init.merchant }).locator('.el-button--primary').click()
    await waitForStatus(init.merchant, '已关闭', 10_000)
  })

  it('re-applies a rejected application', async () => {
    const rejected = app('rej')
    await scenarioFor(rejected.account, { kind: 'reject', audit_queries: 1, reject_reason: 'E2E 驳回原因' })
    await openApply()
    await fillApplication(rejected)
    await submitAndWaitClosed()
    await search(rejected.merchant)
    await waitForStatus(rejected.merchant, '已关闭', 40_000)
    // The re-application is approved.
    await scenarioFor(rejected.account, { kind: 'approve', audit_queries: 1, confirm_queries: 1000 })
    await row(rejected.merchant).locator('[data-test="action-reapply"]').click()
    await page.waitForSelector('[data-test="apply-form"]')
    assert.equal(await page.inputValue('[data-test="f-account"]'), rejected.account)
    await submitAndWaitClosed()
    await page.click('[data-test="search-btn"]')
    await page.waitForLoadState('networkidle')
    // Two rows now: the new application (newest first) and the old one, superseded.
    await page.waitForFunction(
      (m) => [...document.querySelectorAll('[data-test="row"]')].filter((r) => r.textContent?.includes(m)).length === 2,
      rejected.merchant,
    )
    const tags = await row(rejected.merchant).locator('[data-test="status-tag"]').allTextContents()
    assert.notEqual(tags[0]?.trim(), '已关闭', `the new application: ${tags[0]}`)
    assert.equal(tags[1]?.trim(), '已关闭')
    assert.equal(await row(rejected.merchant).nth(1).locator('[data-test="superseded-link"]').count(), 1)
  })

  it('a viewer sees the list but no apply button and no state-changing actions', { skip: VIEWER ? false : 'XJZ_E2E_VIEWER not set' }, async () => {
    const { context, page: viewer, errors: viewerErrors } = await newPage(browser)
    try {
      await viewer.goto(`${BASE}/login`)
      await viewer.fill('input[name="username"]', VIEWER)
      await viewer.fill('input[name="password"]', PASSWORD)
      await viewer.click('[data-test="login-submit"]')
      await viewer.waitForURL(/\/payment\/facetoface$/)
      await viewer.locator('[data-test="row"]').first().waitFor()
      assert.equal(await viewer.locator('[data-test="apply-btn"]').count(), 0)
      assert.equal(await viewer.locator('[data-test="export-btn"]').count(), 0)
      for (const action of ['edit', 'resume', 'cancel', 'reapply', 'refresh', 'more']) {
        assert.equal(await viewer.locator(`[data-test="action-${action}"]`).count(), 0, action)
      }
      assert.ok((await viewer.locator('[data-test="action-detail"]').count()) > 0)
      assert.deepEqual(viewerErrors, [])
    } finally {
      await context.close()
    }
  })

  it('logged no page or console errors and no unexpected API failures', () => {
    assert.deepEqual(errors, [])
    assert.deepEqual(unexpected, [])
    assert.deepEqual(expected, [], 'every announced failure happened')
  })
})
