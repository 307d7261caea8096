// Client-side checks of the apply form, mirroring the server's (crates/domain application
// rules). Each check returns null when fine, else an i18n key (under ff.rule) and params.
// The server stays the authority: its field errors are shown under the fields too.

export interface RuleProblem {
  key: string
  params?: Record<string, unknown>
}

type Check = (value: unknown) => RuleProblem | null

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value).trim())

export const MOBILE_RE = /^1[3-9]\d{9}$/
export const EMAIL_RE = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/
export const PID_RE = /^2088\d{12}$/
export const RATE_RE = /^\d+(\.\d{1,2})?$/
export const MCC_RE = /^(?:[A-Z]\d{4}_[A-Z]\d{4}|[A-Z]_[A-Z]\d{2}_\d{4})$/
export const LICENSE_18_RE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/
export const LICENSE_15_RE = /^\d{15}$/

export const LIMITS = {
  account: 100,
  contactName: 20,
  email: 64,
  merchantName: 128,
  shopName: 128,
  detailAddress: 256,
  remark: 500,
} as const

export const IMAGE_MIN_BYTES = 5_120
export const IMAGE_MAX_BYTES = 5_000_000
export const IMAGE_EXTENSIONS = ['png', 'bmp', 'gif', 'jpg', 'jpeg'] as const
export const IMAGE_ACCEPT = '.png,.bmp,.gif,.jpg,.jpeg,image/png,image/bmp,image/gif,image/jpeg'

export const maxLength =
  (max: number): Check =>
  (value) =>
    [...text(value)].length > max ? { key: 'maxLength', params: { max } } : null

export function checkMobile(value: unknown): RuleProblem | null {
  const v = text(value)
  if (v === '') return null
  return MOBILE_RE.test(v) ? null : { key: 'mobile' }
}

export function checkEmail(value: unknown): RuleProblem | null {
  const v = text(value)
  if (v === '') return null
  if ([...v].length > LIMITS.email) return { key: 'maxLength', params: { max: LIMITS.email } }
  return EMAIL_RE.test(v) ? null : { key: 'email' }
}

/** Merchant's Alipay login: an e-mail, a mainland mobile, or 2088 + 12 digits. */
export function checkAccount(value: unknown): RuleProblem | null {
  const v = text(value)
  if (v === '') return null
  if ([...v].length > LIMITS.account) return { key: 'maxLength', params: { max: LIMITS.account } }
  if (/^\d+$/.test(v)) return MOBILE_RE.test(v) || PID_RE.test(v) ? null : { key: 'account' }
  return EMAIL_RE.test(v) ? null : { key: 'account' }
}

/** 0.38 … 0.60 inclusive, at most two decimals, no % sign. */
export function checkRate(value: unknown): RuleProblem | null {
  const v = text(value)
  if (v === '') return null
  if (!RATE_RE.test(v)) return { key: 'rate' }
  const hundredths = Math.round(Number(v) * 100)
  return hundredths >= 38 && hundredths <= 60 ? null : { key: 'rate' }
}

export function checkMcc(value: unknown): RuleProblem | null {
  const v = text(value)
  if (v === '') return null
  return MCC_RE.test(v) ? null : { key: 'mcc' }
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'

/** 18-character unified social credit code (with its check character) or 15-digit number. */
export function checkLicenseNo(value: unknown): RuleProblem | null {
  const v = text(value).toUpperCase()
  if (v === '') return null
  if (LICENSE_15_RE.test(v)) return null
  if (!LICENSE_18_RE.test(v)) return { key: 'licenseNo' }
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(v[i]!) * (3 ** i % 31)
  const check = (31 - (sum % 31)) % 31
  return USCC_CHARS[check] === v[17] ? null : { key: 'licenseNo' }
}

/** Today in China time (UTC+8) as `YYYY-MM-DD`. */
export function chinaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
}

/**
 * Licence validity: long-term, or a date not before today; neither is fine only when no
 * licence is given at all.
 */
export function checkValidity(
  longTerm: boolean,
  date: string | null | undefined,
  licenceGiven: boolean,
  today: string = chinaToday(),
): RuleProblem | null {
  const d = text(date)
  if (longTerm) return null
  if (d === '') return licenceGiven ? { key: 'validity' } : null
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return { key: 'validity' }
  return d < today ? { key: 'datePast' } : null
}

export function checkCoordinate(value: unknown, max: number): RuleProblem | null {
  const v = text(value)
  if (v === '') return null
  if (!/^-?\d{1,3}(\.\d{1,8})?$/.test(v)) return { key: 'coordinate' }
  return Math.abs(Number(v)) <= max ? null : { key: 'coordinate' }
}

/** Image check by name and size (the server also checks the magic bytes). */
export function checkImage(file: { name: string; size: number }): RuleProblem | null {
  const ext = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : ''
  if (!(IMAGE_EXTENSIONS as readonly string[]).includes(ext)) return { key: 'imageType' }
  if (file.size < IMAGE_MIN_BYTES) return { key: 'imageTooSmall' }
  if (file.size > IMAGE_MAX_BYTES) return { key: 'imageTooLarge' }
  return null
}
