import type { ChoiceOption } from '../../../components/field'
import { useConsoleData } from '../../../lib/use-async'
import { listMerchants } from '../../../services/merchants'
import { listMerchantStores } from '../../../services/reports'

const ALL: ChoiceOption = { value: '', label: '全部' }

export const storeLabel = (s: { name: string, branchName: string | null }): string =>
  s.branchName === null || s.branchName === '' ? s.name : `${s.name}（${s.branchName}）`

/**
 * The merchant and store choices of a report: the account's merchants (first 100), and the chosen
 * merchant's stores. Both start with 全部.
 */
export function useMerchantStoreOptions (merchantId: string): { merchants: ChoiceOption[], stores: ChoiceOption[], storeNames: Map<string, string> } {
  const merchants = useConsoleData(async () => await listMerchants(), [])
  const stores = useConsoleData(async () => (merchantId === '' ? [] : await listMerchantStores(merchantId)), [merchantId])
  const storeList = stores.data ?? []
  return {
    merchants: [ALL, ...(merchants.data?.data ?? []).map((m) => ({ value: m.id, label: m.name }))],
    stores: [ALL, ...storeList.map((s) => ({ value: s.id, label: storeLabel(s) }))],
    storeNames: new Map(storeList.map((s) => [s.id, storeLabel(s)])),
  }
}
