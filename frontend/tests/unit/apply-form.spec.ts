import { describe, expect, it } from 'vitest'
import {
  emptyForm,
  emptySlots,
  formFromOrder,
  mapServerErrors,
  shopAddressOf,
  slotsFromOrder,
  snapshot,
  toPayload,
} from '@/views/module_payment/facetoface/components/apply-form'
import type { FacetofaceOrder } from '@/api/module_payment/facetoface'
import { image, orderData } from './fixtures'

const order: FacetofaceOrder = orderData({
  id: 5,
  order_status: 'CLOSED',
  created_time: '2026-11-20 09:00:00',
  account: 'shop@example.com',
  contact_name: '李四',
  contact_mobile: '13900139000',
  contact_email: null,
  merchant_name: '李四小吃',
  mcc_code: 'A0001_B0199',
  rate: '0.60',
  sign_and_auth: true,
  business_license_no: '91350100M000100Y43',
  business_license_mobile: '13900139000',
  long_term: true,
  date_limitation: null,
  shop_name: '李四小吃一店',
  shop_address: { country_code: '156', province_code: '350000', city_code: '350100', district_code: '350102', detail_address: '五一路 1 号' },
  remark: '',
  images: [image('business_license_pic'), image('shop_scene_pic')],
})

describe('apply form model', () => {
  it('pre-fills from an order (edit, re-apply)', () => {
    const f = formFromOrder(order)
    expect(f.account).toBe('shop@example.com')
    expect(f.contact_email).toBe('')
    expect(f.region).toEqual(['350000', '350100', '350102'])
    expect(f.long_term).toBe(true)
    expect(f.sign_and_auth).toBe(true)
  })

  it('marks stored images as kept', () => {
    const slots = slotsFromOrder(order)
    expect(slots.business_license_pic.stored).toBe(true)
    expect(slots.shop_scene_pic.stored).toBe(true)
    expect(slots.shop_sign_board_pic.stored).toBe(false)
    expect(slotsFromOrder({ ...order, images: [image('shop_sign_board_pic', 9000, 'image/jpeg')] }).shop_sign_board_pic.stored).toBe(true)
    expect(slotsFromOrder({ ...order, images: undefined }).shop_scene_pic.stored).toBe(false)
  })

  it('apply leaves blank optional fields out; only new files travel', () => {
    const form = { ...emptyForm(), account: ' a@b.cn ', contact_name: '王五', contact_mobile: '13800138000', mcc_code: 'A0001_B0199', rate: '0.38' }
    const slots = emptySlots()
    const file = new File([new Uint8Array(6000)], 'scene.jpg')
    slots.shop_scene_pic.file = file
    const p = toPayload(form, slots, 'apply')
    expect(p.fields.account).toBe('a@b.cn')
    expect(p.fields.contact_email).toBeUndefined()
    expect(p.fields.long_term).toBeUndefined()
    expect(p.fields.shop_address).toBeUndefined()
    expect(p.images).toEqual({ shop_scene_pic: file })
  })

  it('edit sends blanks (to clear) and no file for kept images', () => {
    const form = formFromOrder(order)
    form.merchant_name = ''
    const p = toPayload(form, slotsFromOrder(order), 'edit')
    expect(p.fields.merchant_name).toBe('')
    expect(p.fields.date_limitation).toBe('')
    expect(p.fields.long_term).toBe(true)
    expect(p.images).toEqual({})
  })

  it('licence number upper-cased; a dated licence sends long_term false and the date', () => {
    const form = { ...formFromOrder(order), business_license_no: '91350100m000100y43', long_term: false, date_limitation: '2030-12-31' }
    const p = toPayload(form, emptySlots(), 'reapply')
    expect(p.fields.business_license_no).toBe('91350100M000100Y43')
    expect(p.fields.long_term).toBe(false)
    expect(p.fields.date_limitation).toBe('2030-12-31')
  })

  it('shop address: China, codes, detail; none when empty', () => {
    expect(shopAddressOf(emptyForm())).toBeNull()
    expect(shopAddressOf({ ...emptyForm(), region: ['110000', '110100', '110101'], detail_address: ' 长安街 ', longitude: '116.4' })).toEqual({
      country_code: '156',
      province_code: '110000',
      city_code: '110100',
      district_code: '110101',
      detail_address: '长安街',
      longitude: '116.4',
    })
  })

  it('server field errors land on their form items', () => {
    expect(
      mapServerErrors({
        contact_mobile: 'bad',
        'shop_address.district_code': 'not in city',
        'shop_address.detail_address': 'too long',
        long_term: 'bad',
        shop_scene_pic: 'too small',
      }),
    ).toEqual({ contact_mobile: 'bad', region: 'not in city', detail_address: 'too long', date_limitation: 'bad', shop_scene_pic: 'too small' })
  })

  it('snapshot changes when the form or a file changes', () => {
    const form = emptyForm()
    const slots = emptySlots()
    const before = snapshot(form, slots)
    expect(snapshot(form, slots)).toBe(before)
    form.remark = 'x'
    expect(snapshot(form, slots)).not.toBe(before)
    form.remark = ''
    slots.business_license_pic.file = new File(['x'], 'x.png')
    expect(snapshot(form, slots)).not.toBe(before)
  })
})
