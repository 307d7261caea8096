// A fake axios adapter: each test answers requests itself and sees exactly what was sent.
import { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios'
import { http } from '@/utils/request'

export interface Sent {
  method: string
  url: string
  /** Path plus query string as the server would see it. */
  fullUrl: string
  query: string
  headers: Record<string, string>
  data: unknown
  timeout: number | undefined
}

export type Reply =
  | { status?: number; body?: unknown; headers?: Record<string, string> }
  | { networkError: true }
  | { timeout: true }

export function envelope(data: unknown, msg = '操作成功', code = 0, status = 200) {
  return { status, body: { code, msg, data, status_code: status, success: code === 0 } }
}

export function mockHttp(handler: (sent: Sent) => Reply | Promise<Reply>): Sent[] {
  const calls: Sent[] = []
  http.defaults.adapter = async (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
    const query = config.paramsSerializer && typeof config.paramsSerializer === 'object' && config.paramsSerializer.serialize
      ? config.paramsSerializer.serialize(config.params ?? {}, {})
      : ''
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(AxiosHeaders.from(config.headers).toJSON())) headers[k.toLowerCase()] = String(v)
    const url = config.url ?? ''
    const sent: Sent = {
      method: (config.method ?? 'get').toUpperCase(),
      url,
      fullUrl: `${config.baseURL ?? ''}${url}${query ? `?${query}` : ''}`,
      query,
      headers,
      data: config.data,
      timeout: config.timeout,
    }
    calls.push(sent)
    const reply = await handler(sent)
    if ('networkError' in reply) throw new AxiosError('Network Error', AxiosError.ERR_NETWORK, config, {})
    if ('timeout' in reply) throw new AxiosError('timeout of 30000ms exceeded', 'ECONNABORTED', config, {})
    const status = reply.status ?? 200
    const response: AxiosResponse = {
      data: reply.body,
      status,
      statusText: String(status),
      headers: reply.headers ?? {},
      config,
      request: {},
    }
    if (status < 200 || status >= 300) {
      throw new AxiosError(`Request failed with status code ${status}`, AxiosError.ERR_BAD_RESPONSE, config, {}, response)
    }
    return response
  }
  return calls
}
