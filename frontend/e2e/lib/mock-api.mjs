// A scripted API for browser tests without the backend: answers /api/v1/** in the
// envelope of DESIGN.md §4 via page.route, in the real server's shapes (OrderData and
// EventData of crates/api/src/facetoface/dto.rs, the options of options.rs, the list
// parameters of list.rs — an unknown parameter answers 10422 as the server does).
import { Buffer } from 'node:buffer'

const ok = (data, msg = '操作成功') => ({ code: 0, msg, data, status_code: 200, success: true })

// A 1 × 1 PNG.
const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

const STATES = ['INIT', 'SUBMITTED', 'MERCHANT_AUDITING', 'MERCHANT_CONFIRM', 'SUCCESS', 'CLOSED']

const LIST_PARAMS = ['page_no', 'page_size', 'order_by', 'order_status', 'merchant_name', 'shop_name', 'batch_no', 'order_no', 'needs_correction', 'created_time']

const CLOSED_REASONS = ['rejected', 'merchant_timeout', 'cancelled', 'superseded']

/** `n` list items (OrderData, masked, no `images`), newest first. */
export function fixtureOrders(n = 100) {
  return Array.from({ length: n }, (_, i) => {
    const id = n - i
    const status = STATES[i % STATES.length]
    const minute = String(i % 60).padStart(2, '0')
    const closedReason = status === 'CLOSED' ? CLOSED_REASONS[Math.floor(i / STATES.length) % CLOSED_REASONS.length] : null
    const polling = !['SUCCESS', 'CLOSED', 'INIT'].includes(status)
    return {
      id,
      uuid: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
      version: 1 + (i % 4),
      description: null,
      created_time: `2026-11-26 09:${minute}:00`,
      updated_time: `2026-11-26 09:${minute}:30`,
      created_id: 1 + (i % 3),
      updated_id: 1,
      order_status: status,
      closed_reason: closedReason,
      account: `merchant${id}@example.com`,
      contact_name: '张三',
      contact_mobile: '138****8000',
      contact_email: null,
      merchant_name: `测试商户${id}号餐饮有限公司`,
      mcc_code: 'C_C05_5814',
      rate: ['0.38', '0.45', '0.60'][i % 3],
      sign_and_auth: i % 2 === 0,
      business_license_no: null,
      business_license_mobile: null,
      long_term: null,
      date_limitation: null,
      shop_name: `测试门店${id}`,
      shop_address: null,
      remark: null,
      batch_no: `20261126${String(id).padStart(6, '0')}`,
      order_no: status === 'INIT' ? null : `2026112622001${String(id).padStart(8, '0')}`,
      alipay_order_status: status === 'CLOSED' ? 'MERCHANT_APPLY_ORDER_CANCELED' : status === 'INIT' ? null : status,
      needs_correction: status === 'SUBMITTED' && i % 4 === 1,
      confirm_url: status === 'MERCHANT_CONFIRM' ? `https://render.alipay.com/p/f/confirm?batch=${id}` : null,
      merchant_pid: status === 'SUCCESS' ? `2088${String(id).padStart(12, '0')}` : null,
      has_app_auth_token: status === 'SUCCESS',
      reject_reason: closedReason === 'rejected' ? '营业执照照片模糊' : null,
      restrict_infos: [],
      product_status: status === 'SUCCESS' ? 'valid' : null,
      product_reject_reason: null,
      submit_step: status === 'INIT' ? 'signed' : 'confirmed',
      batch_created_time: `2026-11-26 09:${minute}:01`,
      confirmed_time: status === 'INIT' ? null : `2026-11-26 09:${minute}:02`,
      merchant_confirm_time: status === 'SUCCESS' ? `2026-11-26 09:${minute}:20` : null,
      last_error:
        status === 'INIT'
          ? {
              method: 'alipay.open.agent.confirm',
              class: 'business',
              code: '20000',
              msg: 'Service Currently Unavailable',
              sub_code: 'isp.unknow-error',
              sub_msg: '服务暂不可用',
              message: 'alipay.open.agent.confirm: 20000 isp.unknow-error',
              time: `2026-11-26 09:${minute}:05`,
            }
          : null,
      last_query_time: status === 'INIT' ? null : `2026-11-26 09:${minute}:10`,
      next_query_time: polling ? `2026-11-26 10:${minute}:10` : null,
      query_count: i % 7,
      polling_stopped_time: ['SUCCESS', 'CLOSED'].includes(status) ? `2026-11-26 09:${minute}:20` : null,
      polling_stopped_reason: ['SUCCESS', 'CLOSED'].includes(status) ? 'terminal' : null,
      superseded_by: closedReason === 'superseded' ? n + id : null,
      reapplied_from: null,
    }
  })
}

/** The detail of a listed order: unmasked mobile, with its stored images. */
function detailOf(order) {
  return { ...order, contact_mobile: '13800138000', images: [{ field: 'shop_scene_pic', content_type: 'image/png', size: 6144 }] }
}

function eventsOf(order) {
  const t = order.created_time.slice(0, 17)
  const events = [
    { time: `${t}00`, actor: { type: 'user', id: order.created_id }, kind: 'created', reapplied_from: null },
    { time: `${t}01`, actor: { type: 'user', id: order.created_id }, kind: 'alipay_call', method: 'alipay.open.agent.create', class: null, code: '10000', sub_code: null, sub_msg: null },
    { time: `${t}01`, actor: { type: 'user', id: order.created_id }, kind: 'step_reached', step: 'batch_created', batch_no: order.batch_no },
  ]
  if (order.order_status !== 'INIT') {
    events.push(
      { time: `${t}02`, actor: { type: 'user', id: order.created_id }, kind: 'status_changed', from: 'INIT', to: 'SUBMITTED', alipay_status: null },
      { time: `${t}10`, actor: { type: 'worker' }, kind: 'alipay_call', method: 'alipay.open.agent.order.query', class: null, code: '10000', sub_code: null, sub_msg: null },
      { time: `${t}10`, actor: { type: 'worker' }, kind: 'status_changed', from: 'SUBMITTED', to: order.order_status, alipay_status: order.alipay_order_status },
    )
  }
  return events
}

const OPTIONS = {
  version: '2026-11-26',
  mcc: [
    { code: 'C_C05_5812', name: '餐厅、订餐服务', category: '餐饮/食品' },
    { code: 'C_C05_5814', name: '快餐店', category: '餐饮/食品' },
    { code: 'A0002_B0114', name: '互联网综合电商平台', category: '零售批发' },
  ],
  regions: [{ code: '110000', name: '北京市', children: [{ code: '110100', name: '北京市', children: [{ code: '110101', name: '东城区' }] }] }],
  statuses: [
    { code: 'INIT', zh: '待提交', en: 'Not submitted', terminal: false },
    { code: 'SUBMITTED', zh: '已提交', en: 'Submitted', terminal: false },
    { code: 'MERCHANT_AUDITING', zh: '审核中', en: 'Under review', terminal: false },
    { code: 'MERCHANT_CONFIRM', zh: '待商家确认', en: 'Awaiting merchant', terminal: false },
    { code: 'SUCCESS', zh: '已开通', en: 'Active', terminal: true },
    { code: 'CLOSED', zh: '已关闭', en: 'Closed', terminal: true },
  ],
}

const fail = (code, msg, data = null) => ({ code, msg, data, status_code: code - 10000, success: false })

export async function installMockApi(page, { orders = fixtureOrders(100), permissions = ['*:*:*'] } = {}) {
  const calls = []
  await page.route('**/api/v1/**', async (route) => {
    const req = route.request()
    const url = new URL(req.url())
    const path = url.pathname.replace('/api/v1', '')
    calls.push({ method: req.method(), path, query: url.search })
    const json = (body, status = 200) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) })
    if (path === '/auth/login') return json(ok({ access_token: 'e2e-token', token_type: 'bearer' }, '登录成功'))
    if (path === '/auth/me') {
      return json(ok({ user: { id: 1, username: 'admin' }, tenant: { id: 1, code: 'demo', name: '演示租户' }, roles: ['admin'], permissions }))
    }
    if (path === '/payment/facetoface/options') return json(ok(OPTIONS))
    if (path === '/payment/facetoface/apply' && req.method() === 'POST') {
      const body = req.postData() ?? ''
      if (body.includes('name="contact_mobile"\r\n\r\n19999999999')) {
        return json(fail(10422, 'contact_mobile: 不是有效的手机号', { errors: [{ field: 'contact_mobile', code: 'format', reason: '不是有效的手机号' }] }), 422)
      }
      return json({ ...ok({ ...detailOf(orders[0]), id: 1000, order_status: 'SUBMITTED', images: undefined }, '申请已提交'), status_code: 201 }, 201)
    }
    const detail = /^\/payment\/facetoface\/(\d+)$/.exec(path)
    const find = (id) => orders.find((o) => o.id === Number(id))
    if (detail) {
      const order = find(detail[1])
      return order ? json(ok(detailOf(order), '查询成功')) : json(fail(10404, 'not found'), 404)
    }
    const events = /^\/payment\/facetoface\/(\d+)\/events$/.exec(path)
    if (events) {
      const order = find(events[1])
      return order ? json(ok(eventsOf(order), '查询成功')) : json(fail(10404, 'not found'), 404)
    }
    const image = /^\/payment\/facetoface\/(\d+)\/images\/([a-z_]+)$/.exec(path)
    if (image) return route.fulfill({ status: 200, contentType: 'image/png', body: TINY_PNG })
    if (path === '/payment/facetoface') {
      const unknown = [...new Set(url.searchParams.keys())].filter((k) => !LIST_PARAMS.includes(k.replace(/\[\]$/, '')))
      if (unknown.length) {
        return json(fail(10422, `${unknown[0]}: unknown parameter`, { errors: unknown.map((field) => ({ field, code: 'format', reason: 'unknown parameter' })) }), 422)
      }
      const size = Number(url.searchParams.get('page_size') ?? 10)
      const no = Number(url.searchParams.get('page_no') ?? 1)
      const status = url.searchParams.get('order_status')
      const filtered = status ? orders.filter((o) => o.order_status === status) : orders
      const items = filtered.slice((no - 1) * size, no * size)
      return json(ok({ page_no: no, page_size: size, total: filtered.length, has_next: no * size < filtered.length, items }, '查询成功'))
    }
    return json(fail(10404, 'not found'), 404)
  })
  return calls
}
