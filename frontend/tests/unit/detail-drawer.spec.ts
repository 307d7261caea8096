// Component tests of the detail drawer with the API mocked.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { FacetofaceOrder } from '@/api/module_payment/facetoface'
import { event, image, orderData } from './fixtures'

vi.mock('@/utils/notify', () => ({
  notify: { success: vi.fn(), error: vi.fn(), warning: vi.fn() },
  confirmDanger: vi.fn(async () => true),
  confirmBox: vi.fn(async () => true),
}))

const api = vi.hoisted(() => ({ detail: vi.fn(), events: vi.fn(), image: vi.fn(), query: vi.fn(), options: vi.fn() }))
vi.mock('@/api/module_payment/facetoface', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api/module_payment/facetoface')>()
  return { ...real, FacetofaceAPI: api, default: api }
})

import DetailDrawer from '@/views/module_payment/facetoface/components/DetailDrawer.vue'
import { i18n } from '@/i18n'
import { useUserStore } from '@/store/user'
import { notify } from '@/utils/notify'
import { resetOptionsCache } from '@/views/module_payment/facetoface/options'

const order: FacetofaceOrder = orderData({
  id: 3,
  order_status: 'MERCHANT_CONFIRM',
  created_id: 1,
  updated_id: 9,
  merchant_name: '张三餐饮',
  contact_mobile: '13800138000',
  rate: '0.38',
  batch_no: '2026112600001',
  order_no: '20261126000000000001',
  alipay_order_status: 'MERCHANT_CONFIRM',
  confirm_url: 'https://render.alipay.com/p/confirm?id=abc',
  has_app_auth_token: true,
  last_error: {
    method: 'alipay.open.agent.order.query',
    class: 'business',
    code: '40004',
    msg: 'Business Failed',
    sub_code: 'ISV.X',
    sub_msg: '参数有误',
    message: 'alipay.open.agent.order.query: 40004 ISV.X',
    time: '2026-11-26 10:00:02',
  },
  images: [image('shop_scene_pic')],
})

function mountDrawer(perms: string[]) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useUserStore().profile = { user: { id: 1, username: 'u' }, tenant: { id: 1, code: 'demo', name: '演示' }, roles: [], permissions: perms }
  return mount(DetailDrawer, { props: { modelValue: true, orderId: 3 }, global: { plugins: [pinia, i18n] }, attachTo: document.body })
}

beforeEach(() => {
  vi.clearAllMocks()
  document.body.innerHTML = ''
  api.detail.mockResolvedValue(order)
  api.events.mockResolvedValue([
    event('created', { time: '2026-11-26 10:00:00', actor: { type: 'user', id: 1 }, reapplied_from: null }),
    event('status_changed', { time: '2026-11-26 10:30:00', actor: { type: 'worker' }, from: 'MERCHANT_AUDITING', to: 'MERCHANT_CONFIRM', alipay_status: 'MERCHANT_CONFIRM' }),
  ])
  api.image.mockResolvedValue(new Blob(['x']))
  api.options.mockResolvedValue({
    version: '2026-11-26',
    mcc: [],
    regions: [{ code: '350000', name: '福建省', children: [{ code: '350100', name: '福州市', children: [{ code: '350102', name: '鼓楼区' }] }] }],
    statuses: [],
  })
  resetOptionsCache()
})

describe('detail drawer', () => {
  it('shows fields, secrets as 已获取, last error, timeline newest first', async () => {
    const w = mountDrawer(['*:*:*'])
    await vi.waitFor(() => expect(api.detail).toHaveBeenCalledWith(3))
    await flushPromises()
    const text = document.body.textContent ?? ''
    expect(text).toContain('张三餐饮')
    expect(text).toContain('已获取')
    expect(text).toContain('查询状态 · 40004 / ISV.X · 参数有误 (2026-11-26 10:00:02)')
    expect(text).toContain('0.38%')
    // created_id is the logged-in user (shown by name), updated_id someone else.
    expect(text).toContain('创建人u')
    expect(text).toContain('更新人用户 #9')
    const events = [...document.body.querySelectorAll('.el-timeline-item')].map((e) => e.textContent ?? '')
    expect(events[0]).toContain('状态：审核中 → 待商家确认')
    expect(events[0]).toContain('后台任务')
    expect(events[1]).toContain('提交申请')
    expect(events[1]).toContain('操作者：u')
    expect(api.image).toHaveBeenCalledWith(3, 'shop_scene_pic')
    w.unmount()
  })

  it('renders confirm_url as a QR code with the link, a copy button and the 15-day note', async () => {
    const writeText = vi.fn(async () => undefined)
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const w = mountDrawer(['*:*:*'])
    await flushPromises()
    await vi.waitFor(() => expect(document.querySelector('[data-test="confirm-qr"]')).not.toBeNull())
    const img = document.querySelector<HTMLImageElement>('[data-test="confirm-qr"]')!
    expect(img.src.startsWith('data:image/png;base64,')).toBe(true)
    expect(document.querySelector('[data-test="confirm-url"]')?.textContent).toContain(order.confirm_url!)
    expect(document.body.textContent).toContain('15 天')
    document.querySelector<HTMLButtonElement>('[data-test="copy-url"]')!.click()
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith(order.confirm_url)
    expect(notify.success).toHaveBeenCalledWith('已复制')
    w.unmount()
  })

  it('shows the shop address with region names from the options', async () => {
    api.detail.mockResolvedValue({
      ...order,
      shop_address: { country_code: '156', province_code: '350000', city_code: '350100', district_code: '350102', detail_address: '五一路 1 号' },
    })
    const w = mountDrawer(['*:*:*'])
    await vi.waitFor(() => expect(document.body.textContent).toContain('福建省/福州市/鼓楼区 五一路 1 号'))
    w.unmount()
  })

  it("a closed order: the reason, Alipay's reasons and restrictions", async () => {
    api.detail.mockResolvedValue({
      ...order,
      order_status: 'CLOSED',
      closed_reason: 'rejected',
      confirm_url: null,
      reject_reason: '营业执照模糊',
      product_status: 'restrictValid',
      product_reject_reason: '门头照不清晰',
      restrict_infos: [{ restrict_product: 'FACE_TO_FACE_PAYMENT', restrict_reason: '经营地址不符', restrict_reason_code: 'R01' }],
      polling_stopped_time: '2026-11-26 11:00:00',
      polling_stopped_reason: 'terminal',
    })
    const w = mountDrawer(['*:*:*'])
    await vi.waitFor(() => expect(document.body.textContent).toContain('张三餐饮'))
    const text = document.body.textContent ?? ''
    expect(text).toContain('关闭原因驳回')
    expect(text).toContain('营业执照模糊')
    expect(text).toContain('门头照不清晰')
    expect(text).toContain('FACE_TO_FACE_PAYMENT 经营地址不符 (R01)')
    expect(text).toContain('2026-11-26 11:00:00：已到终态')
    w.unmount()
  })

  it('an absent token shows "-"', async () => {
    api.detail.mockResolvedValue({ ...order, has_app_auth_token: false, confirm_url: null })
    const w = mountDrawer(['*:*:*'])
    await flushPromises()
    await vi.waitFor(() => expect(document.body.textContent).toContain('张三餐饮'))
    expect(document.body.textContent).not.toContain('已获取')
    expect(document.querySelector('[data-test="confirm-qr"]')).toBeNull()
    w.unmount()
  })

  it('刷新状态 only with the refresh permission; it queries, reloads and tells the list', async () => {
    api.query.mockResolvedValue(order)
    const viewer = mountDrawer(['module_payment:facetoface:detail'])
    await flushPromises()
    await vi.waitFor(() => expect(document.body.textContent).toContain('张三餐饮'))
    expect(document.querySelector('[data-test="drawer-refresh"]')).toBeNull()
    viewer.unmount()
    document.body.innerHTML = ''

    const op = mountDrawer(['module_payment:facetoface:detail', 'module_payment:facetoface:refresh'])
    await flushPromises()
    await vi.waitFor(() => expect(document.querySelector('[data-test="drawer-refresh"]')).not.toBeNull())
    document.querySelector<HTMLButtonElement>('[data-test="drawer-refresh"]')!.click()
    await flushPromises()
    expect(api.query).toHaveBeenCalledWith(3)
    expect(op.emitted('changed')).toHaveLength(1)
    expect(api.detail).toHaveBeenCalledTimes(3)
    op.unmount()
  })
})
