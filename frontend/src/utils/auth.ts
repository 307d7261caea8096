// The bearer token lives in localStorage so a reload keeps the session; it is cleared on
// logout and on any 10401 / HTTP 401 answer.
const TOKEN_KEY = 'xjz_access_token'

export function getToken(): string {
  return localStorage.getItem(TOKEN_KEY) ?? ''
}

export function setToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token)
}

export function clearToken(): void {
  localStorage.removeItem(TOKEN_KEY)
}
