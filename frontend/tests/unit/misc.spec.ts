import { beforeEach, describe, expect, it } from 'vitest'
import { timelineOf } from '@/views/module_payment/facetoface/components/timeline'
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

describe('timeline', () => {
  it('newest first, with actor, event and outcome', () => {
    const t = timelineOf(
      [
        { time: '2026-11-26 10:00:00', actor: { type: 'user', name: 'admin' }, event: 'created' },
        { time: '2026-11-26 10:00:05', actor: 'worker', event: 'order.query', code: '40004', sub_code: 'BATCH_STATUS_NOT_SUBMIT', outcome: 'failed' },
        { time: '2026-11-26 10:00:01', actor: null, event: 'status', from_status: 'INIT', to_status: 'SUBMITTED' },
      ],
      '后台任务',
    )
    expect(t.map((e) => e.time)).toEqual(['2026-11-26 10:00:05', '2026-11-26 10:00:01', '2026-11-26 10:00:00'])
    expect(t[0]).toMatchObject({ actor: '后台任务', what: 'order.query', outcome: 'failed · 40004 / BATCH_STATUS_NOT_SUBMIT', type: 'danger' })
    expect(t[1]).toMatchObject({ actor: '-', what: 'status INIT → SUBMITTED', type: 'primary' })
    expect(t[2]!.actor).toBe('admin')
  })
  it('same time: later on the wire shows first', () => {
    const t = timelineOf([{ time: '2026-11-26 10:00:00', event: 'a' }, { time: '2026-11-26 10:00:00', event: 'b' }], 'w')
    expect(t.map((e) => e.what)).toEqual(['b', 'a'])
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
