import { getManagementQr, type StaffOwner } from '../../services/staff'
import { QrDialog } from '../ui'

/** An entity's management QR: its activated admins scan it to manage the entity on their phones. */
export function ManagementQrDialog ({ owner, title, caption, onClose }: { owner: StaffOwner, title: string, caption: string, onClose: () => void }) {
  return <QrDialog title={title} className='qr--management' caption={caption} load={async () => await getManagementQr(owner)} onClose={onClose} />
}
