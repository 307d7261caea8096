// A scripted API for browser tests without the backend: answers /api/v1/** in the
// envelope of DESIGN.md §4 via page.route.
const ok = (data, msg = '操作成功') => ({ code: 0, msg, data, status_code: 200, success: true })

const STATES = ['INIT', 'SUBMITTED', 'MERCHANT_AUDITING', 'MERCHANT_CONFIRM', 'SUCCESS', 'CLOSED']

export function fixtureOrders(n = 100) {
  return Array.from({ length: n }, (_, i) => {
    const id = n - i
    const status = STATES[i % STATES.length]
    const minute = String(i % 60).padStart(2, '0')
    return {
      id,
      order_status: status,
      created_time: `2026-11-26 09:${minute}:00`,
      updated_time: `2026-11-26 09:${minute}:30`,
      created_by: { id: 1, name: 'admin' },
      batch_no: `20261126${String(id).padStart(6, '0')}`,
      order_no: status === 'INIT' ? null : `2026112622001${String(id).padStart(8, '0')}`,
      merchant_name: `测试商户${id}号餐饮有限公司`,
      shop_name: `测试门店${id}`,
      account: `merchant${id}@example.com`,
      contact_name: '张三',
      contact_mobile: '138****8000',
      mcc_code: 'A0001_B0199',
      rate: ['0.38', '0.45', '0.60'][i % 3],
      query_count: i % 7,
      last_query_time: status === 'INIT' ? null : `2026-11-26 09:${minute}:10`,
      next_query_time: ['SUCCESS', 'CLOSED', 'INIT'].includes(status) ? null : `2026-11-26 10:${minute}:10`,
      alipay_order_status: status === 'CLOSED' ? 'MERCHANT_APPLY_ORDER_CANCELED' : status === 'INIT' ? null : status,
      reject_reason: status === 'CLOSED' ? '营业执照照片模糊' : null,
      needs_correction: status === 'SUBMITTED' && i % 4 === 1,
      confirm_url: status === 'MERCHANT_CONFIRM' ? `https://render.alipay.com/p/f/confirm?batch=${id}` : null,
      submit_step: status === 'INIT' ? 'signed' : 'confirmed',
      last_error: status === 'INIT' ? { code: '20000', sub_code: 'isp.unknow-error', sub_msg: '服务暂不可用', time: '2026-11-26 09:00:05' } : null,
      has_app_auth_token: status === 'SUCCESS',
      images: [],
    }
  })
}

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
      return json(ok({ user: { id: 1, username: 'admin', name: '管理员' }, tenant: { id: 1, code: 'demo', name: '演示租户' }, roles: ['admin'], permissions }))
    }
    if (path === '/payment/facetoface/options') {
      return json(ok({
        mcc: [
          { code: 'A0001_B0199', name: '餐饮_快餐' },
          { code: 'A0001_B0001', name: '餐饮_正餐' },
          { code: 'A0002_B0201', name: '零售_便利店' },
        ],
        regions: [{ code: '110000', name: '北京市', children: [{ code: '110100', name: '北京市', children: [{ code: '110101', name: '东城区' }] }] }],
        statuses: [],
      }))
    }
    if (path === '/payment/facetoface/apply' && req.method() === 'POST') {
      const body = req.postData() ?? ''
      if (body.includes('name="contact_mobile"\r\n\r\n19999999999')) {
        return json({ code: 10422, msg: 'contact_mobile: 不是有效的手机号', data: { errors: [{ field: 'contact_mobile', reason: '不是有效的手机号' }] }, status_code: 422, success: false }, 422)
      }
      return json(ok({ ...orders[0], id: 1000, order_status: 'SUBMITTED' }, '申请已提交'))
    }
    const detail = /^\/payment\/facetoface\/(\d+)$/.exec(path)
    if (detail) return json(ok(orders.find((o) => o.id === Number(detail[1])) ?? orders[0]))
    const events = /^\/payment\/facetoface\/(\d+)\/events$/.exec(path)
    if (events) {
      return json(ok([
        { time: '2026-11-26 09:00:00', actor: { type: 'user', name: 'admin' }, event: '提交申请', outcome: '成功' },
        { time: '2026-11-26 09:10:00', actor: { type: 'worker' }, event: '查询支付宝', outcome: 'MERCHANT_CONFIRM' },
      ]))
    }
    if (path === '/payment/facetoface') {
      const size = Number(url.searchParams.get('page_size') ?? 10)
      const no = Number(url.searchParams.get('page_no') ?? 1)
      const status = url.searchParams.get('order_status')
      const filtered = status ? orders.filter((o) => o.order_status === status) : orders
      const items = filtered.slice((no - 1) * size, no * size)
      return json(ok({ page_no: no, page_size: size, total: filtered.length, has_next: no * size < filtered.length, items }, '查询成功'))
    }
    return json({ code: 10404, msg: '未找到', data: null, status_code: 404, success: false }, 404)
  })
  return calls
}
