import type { ChoiceOption } from '../components/field'
import { listServiceProviders } from '../services/service-providers'
import { listSubServiceProviders } from '../services/sub-service-providers'
import { useConsoleData } from './use-async'

/** Service providers as choices (first page of 100: consoles rarely hold more). */
export function useServiceProviderOptions (): { options: ChoiceOption[], loading: boolean } {
  const list = useConsoleData(async () => await listServiceProviders(), [])
  return { options: (list.data?.data ?? []).map((sp) => ({ value: sp.id, label: sp.name })), loading: list.loading }
}

/** Sub-service providers of one provider as choices; none until a provider is chosen. */
export function useSubServiceProviderOptions (serviceProviderId: string): { options: ChoiceOption[], loading: boolean } {
  const list = useConsoleData(async () => (serviceProviderId === '' ? null : await listSubServiceProviders({ serviceProviderId })), [serviceProviderId])
  return { options: (list.data?.data ?? []).map((s) => ({ value: s.id, label: s.name })), loading: list.loading }
}
