import { describe, expect, it } from 'vitest'
import {
  checkAccount,
  checkCoordinate,
  checkEmail,
  checkImage,
  checkLicenseNo,
  checkMcc,
  checkMobile,
  checkRate,
  checkValidity,
  chinaToday,
  IMAGE_MAX_BYTES,
  IMAGE_MIN_BYTES,
  maxLength,
} from '@/views/module_payment/facetoface/rules'

const ok = (v: unknown) => expect(v).toBeNull()
const bad = (v: { key: string } | null, key: string) => expect(v?.key).toBe(key)

describe('mobile: 11 digits, 1[3-9]…', () => {
  it('accepts mainland mobiles', () => {
    for (const m of ['13800138000', '19912345678', '15000000000']) ok(checkMobile(m))
  })
  it('rejects 10 and 12 digits, a wrong second digit, letters', () => {
    for (const m of ['1380013800', '138001380001', '12800138000', '1380013800a', '+8613800138000']) bad(checkMobile(m), 'mobile')
  })
  it('leaves blank to the required rule', () => ok(checkMobile('')))
})

describe('e-mail', () => {
  it('accepts ordinary addresses', () => {
    for (const e of ['a@b.cn', 'first.last+tag@example.co.uk']) ok(checkEmail(e))
  })
  it('rejects malformed ones', () => {
    for (const e of ['a@b', 'a.b.cn', '@b.cn', 'a@@b.cn', 'a b@c.cn', 'a@b.c1']) bad(checkEmail(e), 'email')
  })
  it('64 characters pass, 65 do not', () => {
    const at64 = `${'a'.repeat(64 - '@b.cn'.length)}@b.cn`
    ok(checkEmail(at64))
    bad(checkEmail(`a${at64}`), 'maxLength')
  })
})

describe('rate: 0.38–0.60, two decimals', () => {
  it('accepts the bounds and values between', () => {
    for (const r of ['0.38', '0.6', '0.60', '0.5', '0.45']) ok(checkRate(r))
  })
  it('rejects outside the range', () => {
    for (const r of ['0.37', '0.61', '0', '1', '0.375']) bad(checkRate(r), 'rate')
  })
  it('rejects three decimals, a percent sign, text', () => {
    for (const r of ['0.380', '0.38%', 'abc', '.38', '-0.5']) bad(checkRate(r), 'rate')
  })
})

describe('account: e-mail, mobile or 2088 PID', () => {
  it('accepts the three shapes', () => {
    for (const a of ['shop@example.com', '13800138000', '2088123456789012']) ok(checkAccount(a))
  })
  it('rejects other digit strings and text', () => {
    for (const a of ['2088123456789', '20881234567890123', '1234567890123456', 'merchant']) bad(checkAccount(a), 'account')
  })
  it('limits to 100 characters', () => bad(checkAccount(`${'a'.repeat(95)}@b.cn1`), 'maxLength'))
})

describe('MCC code', () => {
  it('accepts the 2.0 and 1.0 shapes', () => {
    ok(checkMcc('A0001_B0199'))
    ok(checkMcc('A_A03_4582'))
  })
  it('rejects lower case and other shapes', () => {
    for (const m of ['a0001_b0199', 'A0001B0199', '5812']) bad(checkMcc(m), 'mcc')
  })
})

describe('business licence number', () => {
  it('accepts valid credit codes (check character) and 15-digit numbers', () => {
    for (const n of ['91350100M000100Y43', '9144030071526726XG', '91350100m000100y43', '110108000000016']) ok(checkLicenseNo(n))
  })
  it('rejects a wrong check character and other shapes', () => {
    for (const n of ['91350100M000100Y44', '91350100M000100Y4', '11010800000001', 'ABCDEFGHIJKLMNOPQR']) bad(checkLicenseNo(n), 'licenseNo')
  })
})

describe('licence validity', () => {
  const today = '2026-11-26'
  it('long-term passes without a date', () => ok(checkValidity(true, '', true, today)))
  it('today and later pass, yesterday does not', () => {
    ok(checkValidity(false, '2026-11-26', true, today))
    ok(checkValidity(false, '2030-01-01', true, today))
    bad(checkValidity(false, '2026-11-25', true, today), 'datePast')
  })
  it('a licence needs long-term or a date', () => bad(checkValidity(false, '', true, today), 'validity'))
  it('no licence, no validity needed', () => ok(checkValidity(false, '', false, today)))
  it('today is China time', () => {
    expect(chinaToday(new Date('2026-11-26T16:00:00Z'))).toBe('2026-11-27')
    expect(chinaToday(new Date('2026-11-26T15:59:59Z'))).toBe('2026-11-26')
  })
})

describe('images: 5,120 B – 5,000,000 B, png/bmp/gif/jpg/jpeg', () => {
  it('accepts the size bounds', () => {
    ok(checkImage({ name: 'a.png', size: IMAGE_MIN_BYTES }))
    ok(checkImage({ name: 'a.JPEG', size: IMAGE_MAX_BYTES }))
    expect(IMAGE_MIN_BYTES).toBe(5_120)
    expect(IMAGE_MAX_BYTES).toBe(5_000_000)
  })
  it('rejects one byte outside', () => {
    bad(checkImage({ name: 'a.png', size: 5_119 }), 'imageTooSmall')
    bad(checkImage({ name: 'a.png', size: 5_000_001 }), 'imageTooLarge')
  })
  it('accepts every allowed extension and rejects others', () => {
    for (const ext of ['png', 'bmp', 'gif', 'jpg', 'jpeg']) ok(checkImage({ name: `x.${ext}`, size: 10_000 }))
    for (const name of ['x.webp', 'x.pdf', 'x', 'x.png.exe']) bad(checkImage({ name, size: 10_000 }), 'imageType')
  })
})

describe('other limits', () => {
  it('maxLength counts characters, not bytes', () => {
    ok(maxLength(20)('张'.repeat(20)))
    bad(maxLength(20)('张'.repeat(21)), 'maxLength')
  })
  it('coordinates', () => {
    ok(checkCoordinate('120.123456', 180))
    ok(checkCoordinate('-33.5', 90))
    bad(checkCoordinate('91', 90), 'coordinate')
    bad(checkCoordinate('abc', 180), 'coordinate')
  })
})
