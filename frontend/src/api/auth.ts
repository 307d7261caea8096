// Login and the current user (DESIGN.md §4).
import { request } from '@/utils/request'

export interface LoginResult {
  access_token: string
  token_type: string
  expires_in?: number
}

/** `GET /auth/me`. */
export interface CurrentUser {
  user: { id: number; username: string }
  tenant: { id: number; code: string; name: string }
  roles: string[]
  /** Permission strings; a `*` segment matches any segment (`*:*:*` is everything). */
  permissions: string[]
}

export const AuthAPI = {
  login(username: string, password: string): Promise<LoginResult> {
    // A login is not a "mutation" worth a toast; the page navigates instead.
    return request({ method: 'post', url: '/auth/login', data: { username, password }, successToast: false })
  },
  me(): Promise<CurrentUser> {
    return request({ method: 'get', url: '/auth/me' })
  },
}
