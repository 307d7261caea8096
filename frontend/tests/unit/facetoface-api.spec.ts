import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/utils/notify', () => ({
  notify: { success: vi.fn(), error: vi.fn(), warning: vi.fn() },
  confirmDanger: vi.fn(async () => true),
}))

import {
  FacetofaceAPI,
  filenameFrom,
  LIST_PARAMS,
  listParams,
  newIdempotencyKey,
  storedImageFields,
  toFormData,
  type FacetofaceQuery,
} from '@/api/module_payment/facetoface'
import { envelope, mockHttp } from './helpers'
import { event, listedOrder, orderData } from './fixtures'

const order = orderData({ id: 7, order_status: 'INIT' })

function parts(data: unknown): [string, string][] {
  expect(data).toBeInstanceOf(FormData)
  return [...(data as FormData).entries()].map(([k, v]) => [k, typeof v === 'string' ? v : `file:${(v as File).name}`])
}

beforeEach(() => localStorage.clear())

describe('FacetofaceAPI routes', () => {
  it('list: GET with page params and filters; empty filters omitted; created_time twice', async () => {
    const calls = mockHttp(() => envelope({ page_no: 2, page_size: 20, total: 21, has_next: false, items: [listedOrder({ id: 7 })] }))
    const page = await FacetofaceAPI.list({
      page_no: 2,
      page_size: 20,
      order_status: 'SUBMITTED',
      merchant_name: '',
      shop_name: undefined,
      batch_no: ' B1 ',
      created_time: ['2026-11-01 00:00:00', '2026-11-30 23:59:59'],
    })
    expect(page.items).toHaveLength(1)
    const sent = calls[0]!
    expect(sent.method).toBe('GET')
    expect(sent.url).toBe('/payment/facetoface')
    const q = new URLSearchParams(sent.query)
    expect([...q.keys()]).toEqual(['page_no', 'page_size', 'order_status', 'batch_no', 'created_time', 'created_time'])
    expect(q.get('batch_no')).toBe('B1')
    expect(q.getAll('created_time')).toEqual(['2026-11-01 00:00:00', '2026-11-30 23:59:59'])
    expect(q.has('merchant_name')).toBe(false)
  })

  it('list: only the parameters the server knows (it refuses others with 10422); a half date range is not sent', async () => {
    const calls = mockHttp(() => envelope({ page_no: 1, page_size: 10, total: 0, has_next: false, items: [] }))
    const query = { page_no: 1, needs_correction: true, order_no: 'O1', created_time: ['2026-11-01 00:00:00'], format: 'csv', foo: 'bar' }
    await FacetofaceAPI.list(query as FacetofaceQuery)
    const q = new URLSearchParams(calls[0]!.query)
    expect([...q.entries()]).toEqual([
      ['page_no', '1'],
      ['order_no', 'O1'],
      ['needs_correction', 'true'],
    ])
    expect([...LIST_PARAMS]).toEqual([
      'page_no',
      'page_size',
      'order_by',
      'order_status',
      'merchant_name',
      'shop_name',
      'batch_no',
      'order_no',
      'needs_correction',
      'created_time',
    ])
    expect(listParams({ order_by: '[{"created_time":"desc"}]' })).toEqual({ order_by: '[{"created_time":"desc"}]' })
  })

  it('options, detail, events: plain GETs', async () => {
    const calls = mockHttp((s) => {
      if (s.url.endsWith('/options')) {
        return envelope({
          version: '2026-11-26',
          mcc: [{ code: 'C_C05_5812', name: '餐厅、订餐服务', category: '餐饮/食品' }],
          regions: [{ code: '110000', name: '北京市', children: [{ code: '110100', name: '北京市' }] }],
          statuses: [{ code: 'INIT', zh: '待提交', en: 'Not submitted', terminal: false }],
        })
      }
      if (s.url.endsWith('/events')) return envelope([event('created', { actor: { type: 'user', id: 1 }, reapplied_from: null })])
      return envelope(order)
    })
    expect((await FacetofaceAPI.options()).mcc[0]).toEqual({ code: 'C_C05_5812', name: '餐厅、订餐服务', category: '餐饮/食品' })
    expect((await FacetofaceAPI.detail(7)).id).toBe(7)
    expect((await FacetofaceAPI.events(7))[0]).toMatchObject({ kind: 'created', actor: { type: 'user', id: 1 } })
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /payment/facetoface/options',
      'GET /payment/facetoface/7',
      'GET /payment/facetoface/7/events',
    ])
  })

  it('events: anything but an array reads as no events', async () => {
    mockHttp(() => envelope(null))
    expect(await FacetofaceAPI.events(1)).toEqual([])
  })

  it('query, resume, cancel: POSTs on the order', async () => {
    const calls = mockHttp(() => envelope(order, '已刷新'))
    await FacetofaceAPI.query(7)
    await FacetofaceAPI.resume(7)
    await FacetofaceAPI.cancel(7)
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'POST /payment/facetoface/7/query',
      'POST /payment/facetoface/7/resume',
      'POST /payment/facetoface/7/cancel',
    ])
  })

  it('apply: multipart with Alipay part names, booleans as text, address as JSON, images, Idempotency-Key', async () => {
    const calls = mockHttp(() => envelope(order, '申请已提交'))
    const licence = new File([new Uint8Array(6000)], 'licence.png', { type: 'image/png' })
    await FacetofaceAPI.apply(
      {
        fields: {
          account: 'm@example.com',
          contact_name: '张三',
          contact_mobile: '13800138000',
          mcc_code: 'A0001_B0199',
          rate: '0.38',
          sign_and_auth: true,
          long_term: true,
          contact_email: undefined,
          shop_address: { country_code: '156', province_code: '110000', detail_address: '长安街 1 号' },
        },
        images: { business_license_pic: licence },
      },
      'key-123',
    )
    const sent = calls[0]!
    expect(sent.method).toBe('POST')
    expect(sent.url).toBe('/payment/facetoface/apply')
    expect(sent.headers['idempotency-key']).toBe('key-123')
    expect(sent.timeout).toBe(60_000)
    const p = parts(sent.data)
    expect(p).toEqual([
      ['account', 'm@example.com'],
      ['contact_name', '张三'],
      ['contact_mobile', '13800138000'],
      ['mcc_code', 'A0001_B0199'],
      ['rate', '0.38'],
      ['sign_and_auth', 'true'],
      ['long_term', 'true'],
      ['shop_address', JSON.stringify({ country_code: '156', province_code: '110000', detail_address: '长安街 1 号' })],
      ['business_license_pic', 'file:licence.png'],
    ])
  })

  it('reapply: multipart to /{id}/reapply with its own key', async () => {
    const calls = mockHttp(() => envelope({ ...order, id: 8, reapplied_from: 7 }))
    const result = await FacetofaceAPI.reapply(7, { fields: { account: 'a@b.cn', contact_name: 'x', contact_mobile: '13800138000', mcc_code: 'A0001_B0199' } }, 'k2')
    expect(result.id).toBe(8)
    expect(calls[0]!.url).toBe('/payment/facetoface/7/reapply')
    expect(calls[0]!.headers['idempotency-key']).toBe('k2')
    expect(calls[0]!.data).toBeInstanceOf(FormData)
  })

  it('update: PATCH multipart with the version part and blank parts that clear fields', async () => {
    const calls = mockHttp(() => envelope(order, '已修改'))
    await FacetofaceAPI.update(7, { fields: { account: 'a@b.cn', contact_name: 'x', contact_mobile: '13800138000', mcc_code: 'A0001_B0199', remark: '' } }, 3)
    const sent = calls[0]!
    expect(sent.method).toBe('PATCH')
    expect(sent.url).toBe('/payment/facetoface/7')
    expect(sent.headers['idempotency-key']).toBeUndefined()
    const p = parts(sent.data)
    expect(p).toContainEqual(['remark', ''])
    expect(p).toContainEqual(['version', '3'])
  })

  it('image: GET a blob', async () => {
    const blob = new Blob(['png'])
    const calls = mockHttp(() => ({ status: 200, body: blob }))
    expect(await FacetofaceAPI.image(7, 'shop_scene_pic')).toBe(blob)
    expect(calls[0]!.url).toBe('/payment/facetoface/7/images/shop_scene_pic')
  })

  it('export: GET with the filters and format, file name from Content-Disposition', async () => {
    const blob = new Blob(['a,b'])
    const calls = mockHttp(() => ({
      status: 200,
      body: blob,
      headers: { 'content-disposition': "attachment; filename*=UTF-8''%E5%BD%93%E9%9D%A2%E4%BB%98.csv" },
    }))
    const result = await FacetofaceAPI.export({ order_status: 'SUCCESS', created_time: ['2026-11-01 00:00:00', '2026-11-02 00:00:00'] }, 'csv')
    expect(result.filename).toBe('当面付.csv')
    expect(result.blob).toBe(blob)
    const q = new URLSearchParams(calls[0]!.query)
    expect(calls[0]!.url).toBe('/payment/facetoface/export')
    expect(q.get('format')).toBe('csv')
    expect(q.get('order_status')).toBe('SUCCESS')
    expect(q.getAll('created_time')).toHaveLength(2)
  })
})

describe('helpers', () => {
  it('filenameFrom reads both header forms', () => {
    expect(filenameFrom('attachment; filename="orders.xlsx"')).toBe('orders.xlsx')
    expect(filenameFrom("attachment; filename*=UTF-8''a%20b.csv")).toBe('a b.csv')
    expect(filenameFrom('inline')).toBeNull()
  })

  it("storedImageFields reads the detail's [{field, content_type, size}], known fields only", () => {
    const images = [
      { field: 'shop_scene_pic', content_type: 'image/png', size: 6000 },
      { field: 'something_else', content_type: 'image/png', size: 6000 },
      { field: 'business_license_pic', content_type: 'image/jpeg', size: 9000 },
    ]
    expect(storedImageFields({ images })).toEqual(['shop_scene_pic', 'business_license_pic'])
    expect(storedImageFields({})).toEqual([])
  })

  it('idempotency keys are unique', () => {
    const keys = new Set(Array.from({ length: 100 }, newIdempotencyKey))
    expect(keys.size).toBe(100)
  })

  it('toFormData leaves undefined and null out, keeps extra parts', () => {
    const form = toFormData({ fields: { account: 'a', contact_name: 'b', contact_mobile: 'c', mcc_code: 'd', rate: undefined, shop_address: null } }, { version: '1' })
    expect([...form.keys()]).toEqual(['account', 'contact_name', 'contact_mobile', 'mcc_code', 'version'])
  })
})
