import { useEffect, type Dispatch, type SetStateAction } from 'react'
import type { ChoiceOption } from '../components/field'
import { listServiceProviders } from '../services/service-providers'
import { listSubServiceProviders } from '../services/sub-service-providers'
import type { FormValues } from './forms'
import { useConsoleData } from './use-async'

/** Service providers as choices (first page of 100: consoles rarely hold more). */
export function useServiceProviderOptions (): { options: ChoiceOption[], loading: boolean } {
  const list = useConsoleData(async () => await listServiceProviders(), [])
  return { options: (list.data?.data ?? []).map((sp) => ({ value: sp.id, label: sp.name })), loading: list.loading }
}

/**
 * The service-provider Choice of a form that adds an entity. One provider only: nothing to choose,
 * so it is chosen (unless the form came with one).
 */
export function useServiceProviderChoice (creating: boolean, setValues: Dispatch<SetStateAction<FormValues>>): { options: ChoiceOption[], empty: string } {
  const sps = useServiceProviderOptions()
  const only = sps.options.length === 1 ? sps.options[0]?.value : undefined
  useEffect(() => {
    if (creating && only !== undefined) setValues((old) => (old.serviceProviderId === '' ? { ...old, serviceProviderId: only } : old))
  }, [only])
  return { options: sps.options, empty: sps.loading ? '加载中…' : '请先添加服务商' }
}

/** Sub-service providers of one provider as choices; none until a provider is chosen. */
export function useSubServiceProviderOptions (serviceProviderId: string): { options: ChoiceOption[], loading: boolean } {
  const list = useConsoleData(async () => (serviceProviderId === '' ? null : await listSubServiceProviders({ serviceProviderId })), [serviceProviderId])
  return { options: (list.data?.data ?? []).map((s) => ({ value: s.id, label: s.name })), loading: list.loading }
}
