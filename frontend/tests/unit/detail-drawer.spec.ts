// Component tests of the detail drawer with the API mocked.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { FacetofaceOrder } from '@/api/module_payment/facetoface'

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

const order: FacetofaceOrder = {
  id: 3,
  order_status: 'MERCHANT_CONFIRM',
  created_time: '2026-11-26 10:00:00',
  merchant_name: '张三餐饮',
  contact_mobile: '13800138000',
  rate: '0.38',
  batch_no: '2026112600001',
  order_no: '20261126000000000001',
  alipay_order_status: 'MERCHANT_CONFIRM',
  confirm_url: 'https://render.alipay.com/p/confirm?id=abc',
  has_app_auth_token: true,
  last_error: { code: '40004', sub_code: 'ISV.X', sub_msg: '参数有误', time: '2026-11-26 10:00:02' },
  images: ['shop_scene_pic'],
}

function mountDrawer(perms: string[]) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useUserStore().profile = { user: { id: 1, username: 'u' }, tenant: null, roles: [], permissions: perms }
  return mount(DetailDrawer, { props: { modelValue: true, orderId: 3 }, global: { plugins: [pinia, i18n] }, attachTo: document.body })
}

beforeEach(() => {
  vi.clearAllMocks()
  document.body.innerHTML = ''
  api.detail.mockResolvedValue(order)
  api.events.mockResolvedValue([
    { time: '2026-11-26 10:00:00', actor: { name: 'admin' }, event: '提交申请' },
    { time: '2026-11-26 10:30:00', actor: 'worker', event: '查询', outcome: 'MERCHANT_CONFIRM' },
  ])
  api.image.mockResolvedValue(new Blob(['x']))
  api.options.mockResolvedValue({
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
    expect(text).toContain('40004 / ISV.X / 参数有误')
    expect(text).toContain('0.38%')
    const events = [...document.body.querySelectorAll('.el-timeline-item')].map((e) => e.textContent ?? '')
    expect(events[0]).toContain('查询')
    expect(events[0]).toContain('后台任务')
    expect(events[1]).toContain('提交申请')
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
