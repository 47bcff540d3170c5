import type { OfficialAccountAuthStatus } from '@yima/shared'

export const OA_STATUS_LABELS: Record<OfficialAccountAuthStatus, string> = { none: '未授权', authorized: '已授权', revoked: '已取消授权' }

export const yesNo = (v: boolean | null | undefined, yes: string, no: string, unknown = '—'): string =>
  v === null || v === undefined ? unknown : v ? yes : no
