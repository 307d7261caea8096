import { beforeEach, describe, expect, it } from 'vitest'
import { timelineOf } from '@/views/module_payment/facetoface/components/timeline'
import type { FacetofaceEvent } from '@/api/module_payment/facetoface'
import { i18n } from '@/i18n'
import { event } from './fixtures'
import { loadColumns, saveColumns, storageKeyFor, TOGGLEABLE_COLUMNS } from '@/views/module_payment/facetoface/columns'
import { formatRate, formatTime, orBlank } from '@/utils/format'

describe('format', () => {
  it('times as YYYY-MM-DD HH:mm:ss, blank as -', () => {
    expect(formatTime('2026-11-26 10:01:02')).toBe('2026-11-26 10:01:02')
    expect(formatTime('2026-11-26T10:01:02+08:00')).toBe('2026-11-26 10:01:02')
    expect(formatTime(null)).toBe('-')
    expect(formatTime('')).toBe('-')
  })
  it('rate with a percent sign', () => {
    expect(formatRate('0.38')).toBe('0.38%')
    expect(formatRate(null)).toBe('-')
  })
  it('blank values', () => {
    expect(orBlank('  ')).toBe('-')
    expect(orBlank(0)).toBe('0')
    expect(orBlank(undefined)).toBe('-')
  })
})

describe('timeline (GET /{id}/events, real kinds)', () => {
  const t = (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {}) as string
  const ctx = { t, locale: 'zh-CN' as const, me: { id: 7, username: 'op' } }

  it('newest first, actor by type (own user by name), each kind worded', () => {
    const tl = timelineOf(
      [
        event('created', { time: '2026-11-26 10:00:00', actor: { type: 'user', id: 7 }, reapplied_from: null }),
        event('alipay_call', {
          time: '2026-11-26 10:00:01',
          actor: { type: 'user', id: 7 },
          method: 'alipay.open.agent.create',
          class: null,
          code: '10000',
          sub_code: null,
          sub_msg: null,
        }),
        event('step_reached', { time: '2026-11-26 10:00:02', step: 'batch_created', batch_no: 'B1' }),
        event('alipay_call', {
          time: '2026-11-26 10:00:03',
          actor: { type: 'worker' },
          method: 'alipay.open.agent.order.query',
          class: 'business',
          code: '40004',
          sub_code: 'BATCH_STATUS_NOT_SUBMIT',
          sub_msg: '批次状态不是提交',
        }),
        event('status_changed', { time: '2026-11-26 10:00:04', actor: { type: 'worker' }, from: 'SUBMITTED', to: 'MERCHANT_CONFIRM', alipay_status: 'MERCHANT_CONFIRM' }),
        event('closed', { time: '2026-11-26 10:00:05', actor: { type: 'user', id: 9 }, reason: 'cancelled' }),
      ],
      ctx,
    )
    expect(tl.map((e) => e.time)).toEqual([
      '2026-11-26 10:00:05',
      '2026-11-26 10:00:04',
      '2026-11-26 10:00:03',
      '2026-11-26 10:00:02',
      '2026-11-26 10:00:01',
      '2026-11-26 10:00:00',
    ])
    expect(tl[0]).toMatchObject({ actor: '用户 #9', what: '已关闭：已取消', type: 'danger' })
    expect(tl[1]).toMatchObject({ actor: '后台任务', what: '状态：已提交 → 待商家确认', outcome: 'MERCHANT_CONFIRM' })
    expect(tl[2]).toMatchObject({
      what: '调用支付宝：查询状态',
      outcome: '业务错误 · 40004 / BATCH_STATUS_NOT_SUBMIT · 批次状态不是提交',
      type: 'danger',
    })
    expect(tl[3]).toMatchObject({ actor: '系统', what: '提交进度：已创建批次', outcome: '批次 B1' })
    expect(tl[4]).toMatchObject({ actor: 'op', what: '调用支付宝：创建批次', outcome: '成功 · 10000', type: 'success' })
    expect(tl[5]).toMatchObject({ actor: 'op', what: '提交申请' })
  })

  it('the other kinds, and a kind the client does not know yet', () => {
    const one = (e: FacetofaceEvent) => timelineOf([e], ctx)[0]!
    expect(one(event('created', { reapplied_from: 4 })).what).toBe('重新申请（原申请 #4）')
    expect(one(event('needs_correction_changed', { needs_correction: true }))).toMatchObject({ what: '支付宝要求修正信息', type: 'warning' })
    expect(one(event('edited', { fields: ['contact_mobile', 'shop_scene_pic'] })).what).toBe('修改了 联系人手机、门店内景照')
    expect(one(event('superseded_by', { order_id: 12 })).what).toBe('被重新申请 #12 取代')
    expect(one(event('polling_stopped', { reason: 'terminal' })).what).toBe('停止查询：已到终态')
    expect(one(event('polling_resumed', {})).what).toBe('恢复查询')
    expect(one(event('batch_abandoned', { batch_no: 'B2', reason: 'expired' }))).toMatchObject({ what: '放弃批次 B2', outcome: 'expired' })
    expect(one(event('confirm_not_received', { batch_no: 'B3' })).what).toBe('确认未送达支付宝（批次 B3）')
    expect(one(event('backward_move_ignored', { current: 'MERCHANT_CONFIRM', alipay_status: 'MERCHANT_AUDITING' })).what).toBe(
      '忽略回退的支付宝状态 MERCHANT_AUDITING',
    )
    expect(one(event('unknown_alipay_status', { alipay_status: 'NEW_THING' })).what).toBe('未知的支付宝状态 NEW_THING')
    expect(one({ time: '2026-11-26 10:00:00', actor: { type: 'system' }, kind: 'brand_new' } as unknown as FacetofaceEvent).what).toBe('brand_new')
  })

  it('English wording', () => {
    const en = { t: (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {}, { locale: 'en' }) as string, locale: 'en' as const, me: null }
    const [e] = timelineOf([event('status_changed', { actor: { type: 'user', id: 7 }, from: 'INIT', to: 'SUBMITTED', alipay_status: null })], en)
    expect(e).toMatchObject({ actor: 'User #7', what: 'Status: Not submitted → Submitted' })
  })

  it('same time: later on the wire shows first', () => {
    const tl = timelineOf([event('created', { reapplied_from: null }), event('polling_resumed', {})], ctx)
    expect(tl.map((e) => e.what)).toEqual(['恢复查询', '提交申请'])
  })
})

describe('column settings per user and page', () => {
  beforeEach(() => localStorage.clear())
  it('defaults to every column', () => {
    expect(loadColumns('t1:1')).toEqual([...TOGGLEABLE_COLUMNS])
  })
  it('saves per user', () => {
    saveColumns('t1:1', ['order_status', 'merchant_name'])
    expect(loadColumns('t1:1')).toEqual(['order_status', 'merchant_name'])
    expect(loadColumns('t1:2')).toEqual([...TOGGLEABLE_COLUMNS])
    expect(localStorage.getItem(storageKeyFor('t1:1'))).not.toBeNull()
  })
  it('ignores junk and unknown columns', () => {
    localStorage.setItem(storageKeyFor('u'), '{not json')
    expect(loadColumns('u')).toEqual([...TOGGLEABLE_COLUMNS])
    localStorage.setItem(storageKeyFor('u'), JSON.stringify(['rate', 'password']))
    expect(loadColumns('u')).toEqual(['rate'])
  })
})
