// Component tests of the apply / edit / re-apply dialog with the API mocked.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import type { FacetofaceOrder } from '@/api/module_payment/facetoface'
import { image, orderData } from './fixtures'

vi.mock('@/utils/notify', () => ({
  notify: { success: vi.fn(), error: vi.fn(), warning: vi.fn() },
  confirmDanger: vi.fn(async () => true),
  confirmBox: vi.fn(async () => true),
}))

const api = vi.hoisted(() => ({
  options: vi.fn(),
  apply: vi.fn(),
  update: vi.fn(),
  reapply: vi.fn(),
  resume: vi.fn(),
  image: vi.fn(),
}))
vi.mock('@/api/module_payment/facetoface', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/api/module_payment/facetoface')>()
  return { ...real, FacetofaceAPI: api, default: api }
})

import ApplyDialog from '@/views/module_payment/facetoface/components/ApplyDialog.vue'
import { resetOptionsCache } from '@/views/module_payment/facetoface/options'
import { i18n } from '@/i18n'
import { ApiError } from '@/utils/request'
import { confirmBox, notify } from '@/utils/notify'
import type { ApplyFormModel } from '@/views/module_payment/facetoface/components/apply-form'

interface Exposed {
  form: ApplyFormModel
  idempotencyKey: string
  serverErrors: Record<string, string>
  submit: () => Promise<void>
  requestClose: () => void
}

const VALID: Partial<ApplyFormModel> = {
  account: 'shop@example.com',
  contact_name: '张三',
  contact_mobile: '13800138000',
  mcc_code: 'A0001_B0199',
  rate: '0.38',
}

function mountDialog(mode: 'apply' | 'edit' | 'reapply' = 'apply', source: FacetofaceOrder | null = null) {
  const pinia = createPinia()
  setActivePinia(pinia)
  return mount(ApplyDialog, {
    props: { modelValue: true, mode, source },
    global: { plugins: [pinia, i18n] },
    attachTo: document.body,
  })
}

const exposed = (w: ReturnType<typeof mountDialog>) => w.vm as unknown as Exposed

async function fill(w: ReturnType<typeof mountDialog>, values: Partial<ApplyFormModel>) {
  Object.assign(exposed(w).form, values)
  await nextTick()
}

beforeEach(() => {
  vi.clearAllMocks()
  resetOptionsCache()
  document.body.innerHTML = ''
  api.options.mockResolvedValue({
    version: '2026-11-26',
    mcc: [
      { code: 'A0001_B0199', name: '快餐', category: '餐饮/食品' },
      { code: 'C_C05_5812', name: '餐厅、订餐服务', category: '餐饮/食品' },
      { code: 'A0002_B0114', name: '互联网综合电商平台', category: '零售批发' },
    ],
    regions: [],
    statuses: [],
  })
})

describe('apply dialog', () => {
  it('loads the MCC options and generates an idempotency key on opening', async () => {
    const w = mountDialog()
    await flushPromises()
    expect(api.options).toHaveBeenCalledTimes(1)
    expect(exposed(w).idempotencyKey).toMatch(/^[0-9a-f-]{32,36}$/)
    expect(document.body.textContent).toContain('申请开通当面付')
    for (const section of ['商户', '联系人', '经营信息', '营业执照', '门店', '图片']) {
      expect(document.body.textContent).toContain(section)
    }
    w.unmount()
  })

  it('the MCC picker groups the catalogue by category', async () => {
    const w = mountDialog()
    await flushPromises()
    document.querySelector<HTMLElement>('[data-test="f-mcc_code"] .el-select__wrapper')?.click()
    await flushPromises()
    await vi.waitFor(() => expect(document.querySelectorAll('.el-select-group__title').length).toBe(2))
    const titles = [...document.querySelectorAll('.el-select-group__title')].map((e) => e.textContent?.trim())
    expect(titles).toEqual(['餐饮/食品', '零售批发'])
    expect(document.body.textContent).toContain('餐厅、订餐服务（C_C05_5812）')
    w.unmount()
  })

  it('does not submit with missing required fields or a 10-digit mobile', async () => {
    const w = mountDialog()
    await flushPromises()
    await exposed(w).submit()
    await flushPromises()
    expect(api.apply).not.toHaveBeenCalled()
    expect(notify.error).toHaveBeenCalledWith('请修正标红的字段')
    await vi.waitFor(() => expect(document.body.textContent).toContain('支付宝账号不能为空'))

    await fill(w, { ...VALID, contact_mobile: '1380013800' })
    await exposed(w).submit()
    await flushPromises()
    expect(api.apply).not.toHaveBeenCalled()
    await vi.waitFor(() => expect(document.body.textContent).toContain('请输入 11 位手机号'))
    w.unmount()
  })

  it('rejects a rate of 0.61 and accepts 0.60', async () => {
    api.apply.mockResolvedValue(orderData({ id: 1 }))
    const w = mountDialog()
    await flushPromises()
    await fill(w, { ...VALID, rate: '0.61' })
    await exposed(w).submit()
    await flushPromises()
    expect(api.apply).not.toHaveBeenCalled()
    await fill(w, { rate: '0.60' })
    await exposed(w).submit()
    await flushPromises()
    expect(api.apply).toHaveBeenCalledTimes(1)
    w.unmount()
  })

  it('submits the form with the key, closes and emits success', async () => {
    const order = orderData({ id: 9 })
    api.apply.mockResolvedValue(order)
    const w = mountDialog()
    await flushPromises()
    await fill(w, VALID)
    await exposed(w).submit()
    await flushPromises()
    expect(api.apply).toHaveBeenCalledTimes(1)
    const [payload, key] = api.apply.mock.calls[0]!
    expect(key).toBe(exposed(w).idempotencyKey)
    expect(payload.fields).toMatchObject({ account: 'shop@example.com', contact_mobile: '13800138000', mcc_code: 'A0001_B0199', rate: '0.38', sign_and_auth: false })
    expect(w.emitted('success')![0]).toEqual([order])
    expect(w.emitted('update:modelValue')!.at(-1)).toEqual([false])
    w.unmount()
  })

  it('a retry after a lost answer reuses the key; reopening makes a new one', async () => {
    api.apply.mockRejectedValueOnce(new ApiError(-1, '网络连接异常', null)).mockResolvedValueOnce(orderData({ id: 1 }))
    const w = mountDialog()
    await flushPromises()
    await fill(w, VALID)
    await exposed(w).submit()
    await flushPromises()
    await exposed(w).submit()
    await flushPromises()
    expect(api.apply).toHaveBeenCalledTimes(2)
    expect(api.apply.mock.calls[0]![1]).toBe(api.apply.mock.calls[1]![1])
    const first = exposed(w).idempotencyKey

    await w.setProps({ modelValue: false })
    await flushPromises()
    await w.setProps({ modelValue: true })
    await flushPromises()
    expect(exposed(w).idempotencyKey).not.toBe(first)
    w.unmount()
  })

  it('puts 10422 field errors under their fields', async () => {
    api.apply.mockRejectedValue(
      new ApiError(10422, 'contact_mobile: 手机号不存在', {
        errors: [
          { field: 'contact_mobile', reason: '手机号不存在' },
          { field: 'shop_address.district_code', reason: '区县不属于该城市' },
        ],
      }),
    )
    const w = mountDialog()
    await flushPromises()
    await fill(w, VALID)
    await exposed(w).submit()
    await flushPromises()
    expect(exposed(w).serverErrors).toEqual({ contact_mobile: '手机号不存在', region: '区县不属于该城市' })
    const items = [...document.body.querySelectorAll('.el-form-item')]
    const mobileItem = items.find((i) => i.textContent?.includes('联系人手机'))!
    expect(mobileItem.classList.contains('is-error')).toBe(true)
    await vi.waitFor(() => expect(mobileItem.querySelector('.el-form-item__error')?.textContent ?? '').toContain('手机号不存在'))
    expect(notify.error).toHaveBeenCalledWith('contact_mobile: 手机号不存在')
    expect(w.emitted('success')).toBeUndefined()
    w.unmount()
  })

  it('a failure after the order was stored says so and offers resume', async () => {
    // As the server answers it: data = {alipay, error_class, order}.
    const stored = orderData({ id: 42, order_status: 'INIT', submit_step: 'batch_created', images: undefined })
    api.apply.mockRejectedValue(
      new ApiError(10502, '参数有误', {
        alipay: { code: '40004', msg: 'Business Failed', sub_code: 'ISV.X', sub_msg: '参数有误' },
        error_class: 'business',
        order: stored,
      }),
    )
    api.resume.mockResolvedValue({ ...stored, order_status: 'SUBMITTED' })
    const w = mountDialog()
    await flushPromises()
    await fill(w, VALID)
    await exposed(w).submit()
    await flushPromises()
    expect(confirmBox).toHaveBeenCalledTimes(1)
    const [message, labels] = vi.mocked(confirmBox).mock.calls[0]!
    expect(message).toContain('#42')
    expect(message).toContain('参数有误')
    expect(labels.confirm).toBe('继续提交')
    expect(api.resume).toHaveBeenCalledWith(42)
    expect(w.emitted('update:modelValue')!.at(-1)).toEqual([false])
    expect(w.emitted('success')!.length).toBeGreaterThanOrEqual(1)
    w.unmount()
  })

  it('edit: pre-filled, PATCH with the version, no idempotency key', async () => {
    const source: FacetofaceOrder = orderData({
      id: 5,
      version: 3,
      order_status: 'INIT',
      account: 'a@b.cn',
      contact_name: '李四',
      contact_mobile: '13900139000',
      mcc_code: 'A0001_B0199',
      rate: '0.50',
      images: [],
    })
    api.update.mockResolvedValue(source)
    const w = mountDialog('edit', source)
    await flushPromises()
    expect(document.body.textContent).toContain('修改申请')
    expect(exposed(w).form.contact_name).toBe('李四')
    await fill(w, { contact_mobile: '13700137000' })
    await exposed(w).submit()
    await flushPromises()
    expect(api.update).toHaveBeenCalledTimes(1)
    const [id, payload, version] = api.update.mock.calls[0]!
    expect(id).toBe(5)
    expect(version).toBe(3)
    expect(payload.fields.contact_mobile).toBe('13700137000')
    expect(api.apply).not.toHaveBeenCalled()
    w.unmount()
  })

  it('re-apply: stored images are kept (no file sent) and previews fetched', async () => {
    const source: FacetofaceOrder = orderData({
      id: 6,
      order_status: 'CLOSED',
      closed_reason: 'rejected',
      account: 'a@b.cn',
      contact_name: '李四',
      contact_mobile: '13900139000',
      mcc_code: 'A0001_B0199',
      rate: '0.50',
      images: [image('business_license_pic')],
    })
    api.image.mockResolvedValue(new Blob(['x']))
    api.reapply.mockResolvedValue({ ...source, id: 7 })
    const w = mountDialog('reapply', source)
    await flushPromises()
    expect(api.image).toHaveBeenCalledWith(6, 'business_license_pic')
    expect(document.body.textContent).toContain('沿用原申请图片')
    await exposed(w).submit()
    await flushPromises()
    const [id, payload, key] = api.reapply.mock.calls[0]!
    expect(id).toBe(6)
    expect(payload.images).toEqual({})
    expect(typeof key).toBe('string')
    w.unmount()
  })

  it('closing asks 放弃填写的内容？ only when something was entered', async () => {
    const w = mountDialog()
    await flushPromises()
    exposed(w).requestClose()
    await flushPromises()
    expect(confirmBox).not.toHaveBeenCalled()
    expect(w.emitted('update:modelValue')!.at(-1)).toEqual([false])

    await w.setProps({ modelValue: false })
    await w.setProps({ modelValue: true })
    await flushPromises()
    await fill(w, { account: 'x' })
    vi.mocked(confirmBox).mockResolvedValueOnce(false)
    const before = w.emitted('update:modelValue')!.length
    exposed(w).requestClose()
    await flushPromises()
    expect(confirmBox).toHaveBeenCalledWith('放弃填写的内容？', expect.anything())
    expect(w.emitted('update:modelValue')!.length).toBe(before)
    w.unmount()
  })
})
