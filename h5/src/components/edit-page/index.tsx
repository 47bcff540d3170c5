import { Fragment, type ReactNode } from 'react'
import { useRouter } from '@tarojs/taro'
import { ConsoleShell, type ConsoleMenu } from '../console-shell'
import { Loading, Message } from '../ui'
import { queryParam } from '../../lib/format'
import { useConsoleData } from '../../lib/use-async'

/**
 * An add-or-edit page: `?id=` names the entity to edit (loaded first), none means adding. The form
 * gets the entity (null when adding) and starts afresh should another one load.
 */
export function EditPage<T extends { id: string }> ({ active, titles: [adding, editing], load, form }: {
  active: ConsoleMenu
  titles: [adding: string, editing: string]
  load: (id: string) => Promise<T>
  form: (dto: T | null) => ReactNode
}) {
  const id = queryParam(useRouter().params, 'id')
  const existing = useConsoleData(async () => (id === undefined ? null : await load(id)), [id])
  return (
    <ConsoleShell active={active} title={id === undefined ? adding : editing}>
      {existing.error !== null && <Message>{existing.error}</Message>}
      {id !== undefined && existing.data === null && existing.error === null && <Loading />}
      {(id === undefined || existing.data !== null) && <Fragment key={existing.data?.id ?? 'new'}>{form(existing.data)}</Fragment>}
    </ConsoleShell>
  )
}
