// Envelope-aware HTTP layer. Every answer of the API is `{code, msg, data, status_code,
// success}`; code 0 is success. Functions built on `request` resolve with `data` and reject
// with an `ApiError` whose `msg` is fit to show. Toasts: mutating requests show the
// server's msg on success; failures always show their msg (unless `silent`).
import axios, {
  AxiosError,
  type AxiosInstance,
  type AxiosRequestConfig,
  type AxiosResponse,
} from 'axios'
import { clearToken, getToken } from './auth'
import { notify } from './notify'
import { i18n } from '@/i18n'

export interface Envelope<T = unknown> {
  code: number
  msg: string
  data: T
  status_code?: number
  success?: boolean
}

export interface FieldErrorItem {
  field: string
  reason: string
}

export interface AlipayErrorInfo {
  code?: string
  msg?: string
  sub_code?: string
  sub_msg?: string
}

export interface PageResult<T> {
  page_no: number
  page_size: number
  total: number
  has_next: boolean
  items: T[]
}

export const ErrorCode = {
  OK: 0,
  BAD_REQUEST: 10400,
  UNAUTHORIZED: 10401,
  FORBIDDEN: 10403,
  NOT_FOUND: 10404,
  CONFLICT: 10409,
  VALIDATION: 10422,
  RATE_LIMITED: 10429,
  INTERNAL: 10500,
  ALIPAY_REFUSED: 10502,
  ALIPAY_TIMEOUT: 10504,
  /** Client side: no answer reached us. */
  NETWORK: -1,
  /** Client side: the request timed out. */
  TIMEOUT: -2,
} as const

/** A failed request: an envelope with a non-zero code, or no usable answer at all. */
export class ApiError<D = unknown> extends Error {
  readonly code: number
  readonly msg: string
  readonly data: D | null
  readonly httpStatus: number | undefined

  constructor(code: number, msg: string, data: D | null, httpStatus?: number) {
    super(msg)
    this.name = 'ApiError'
    this.code = code
    this.msg = msg
    this.data = data
    this.httpStatus = httpStatus
  }

  /** 10422's `data.errors` as `{field: reason}` (first reason per field). */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {}
    const errors = (this.data as { errors?: FieldErrorItem[] } | null)?.errors
    if (Array.isArray(errors)) {
      for (const e of errors) {
        if (e && typeof e.field === 'string' && !(e.field in out)) out[e.field] = String(e.reason ?? '')
      }
    }
    return out
  }

  /** 10502's `data.alipay`. */
  get alipay(): AlipayErrorInfo | null {
    return (this.data as { alipay?: AlipayErrorInfo } | null)?.alipay ?? null
  }
}

export interface RequestOptions extends AxiosRequestConfig {
  /** Do not toast on failure (the caller shows the error itself); success toasts still show. */
  silent?: boolean
  /** Toast the server's msg on success; default: true for POST/PUT/PATCH/DELETE. */
  successToast?: boolean
}

/** What to do on 10401 / HTTP 401; the router installs the real one (go to login). */
let unauthorizedHandler: () => void = () => {
  const redirect = encodeURIComponent(window.location.pathname + window.location.search)
  window.location.assign(`/login?redirect=${redirect}`)
}

export function setUnauthorizedHandler(handler: () => void): void {
  unauthorizedHandler = handler
}

/**
 * Query string of a filter object: empty values (undefined, null, '', empty arrays) are
 * left out, arrays repeat their key (`created_time=a&created_time=b`), strings are trimmed.
 */
export function buildQuery(params: Record<string, unknown> | undefined): string {
  const search = new URLSearchParams()
  if (!params) return ''
  for (const [key, raw] of Object.entries(params)) {
    const values = Array.isArray(raw) ? raw : [raw]
    for (const value of values) {
      if (value === undefined || value === null) continue
      const text = typeof value === 'string' ? value.trim() : String(value)
      if (text === '') continue
      search.append(key, text)
    }
  }
  return search.toString()
}

function isEnvelope(body: unknown): body is Envelope {
  return typeof body === 'object' && body !== null && typeof (body as Envelope).code === 'number'
}

function t(key: string): string {
  return i18n.global.t(key) as string
}

/** Turns any failure into an ApiError (reading a JSON envelope out of a Blob if needed). */
export async function toApiError(error: unknown): Promise<ApiError> {
  if (error instanceof ApiError) return error
  if (axios.isAxiosError(error)) {
    const err = error as AxiosError
    if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') {
      return new ApiError(ErrorCode.TIMEOUT, t('request.timeout'), null)
    }
    const response = err.response
    if (!response) return new ApiError(ErrorCode.NETWORK, t('request.network'), null)
    let body: unknown = response.data
    if (typeof Blob !== 'undefined' && body instanceof Blob) {
      try {
        body = JSON.parse(await body.text())
      } catch {
        body = null
      }
    }
    if (isEnvelope(body)) {
      return new ApiError(body.code, body.msg || t('request.failed'), body.data ?? null, response.status)
    }
    if (response.status === 401) {
      return new ApiError(ErrorCode.UNAUTHORIZED, t('request.unauthorized'), null, 401)
    }
    if (response.status === 403) {
      return new ApiError(ErrorCode.FORBIDDEN, t('request.forbidden'), null, 403)
    }
    return new ApiError(ErrorCode.INTERNAL, `${t('request.failed')} (HTTP ${response.status})`, null, response.status)
  }
  return new ApiError(ErrorCode.NETWORK, t('request.network'), null)
}

function handleFailure(error: ApiError, options: RequestOptions): void {
  if (error.code === ErrorCode.UNAUTHORIZED || error.httpStatus === 401) {
    clearToken()
    if (!options.silent) notify.error(error.msg)
    unauthorizedHandler()
    return
  }
  if (options.silent) return
  if (error.code === ErrorCode.FORBIDDEN) {
    notify.error(t('request.forbidden'))
    return
  }
  notify.error(error.msg)
}

export const http: AxiosInstance = axios.create({
  baseURL: '/api/v1',
  timeout: 30_000,
  paramsSerializer: { serialize: (params) => buildQuery(params as Record<string, unknown>) },
})

http.interceptors.request.use((config) => {
  const token = getToken()
  if (token) config.headers.set('Authorization', `Bearer ${token}`)
  config.headers.set('Accept-Language', i18n.global.locale.value === 'en' ? 'en' : 'zh-CN')
  return config
})

const MUTATING = new Set(['post', 'put', 'patch', 'delete'])

/** Sends a request and resolves with the envelope (code 0) or rejects with an ApiError. */
export async function requestEnvelope<T>(options: RequestOptions): Promise<Envelope<T>> {
  const { silent: _silent, successToast, ...config } = options
  let response: AxiosResponse
  try {
    response = await http.request(config)
  } catch (raw) {
    const error = await toApiError(raw)
    handleFailure(error, options)
    throw error
  }
  const body = response.data
  if (!isEnvelope(body)) {
    const error = new ApiError(ErrorCode.INTERNAL, t('request.badAnswer'), null, response.status)
    handleFailure(error, options)
    throw error
  }
  if (body.code !== ErrorCode.OK) {
    const error = new ApiError(body.code, body.msg || t('request.failed'), body.data ?? null, response.status)
    handleFailure(error, options)
    throw error
  }
  const method = (config.method ?? 'get').toLowerCase()
  // `silent` only concerns failures: a successful mutation still shows the server's msg.
  if ((successToast ?? MUTATING.has(method)) && body.msg) notify.success(body.msg)
  return body as Envelope<T>
}

/** As `requestEnvelope`, resolving with `data`. */
export async function request<T>(options: RequestOptions): Promise<T> {
  return (await requestEnvelope<T>(options)).data
}

/** A binary download (export, images): resolves with the Blob; errors as everywhere. */
export async function requestBlob(options: RequestOptions): Promise<AxiosResponse<Blob>> {
  const { silent: _silent, successToast: _toast, ...config } = options
  try {
    return await http.request<Blob>({ ...config, responseType: 'blob' })
  } catch (raw) {
    const error = await toApiError(raw)
    handleFailure(error, options)
    throw error
  }
}
