import type Router from '@koa/router'
import { rfc3339China } from '../../core/ids'
import { encryptResource, tamper } from '../crypto'
import { v3Route } from '../http'
import type { WxpayState } from '../state'

/**
 * 下载平台证书: the platform certificate, AES-256-GCM-encrypted under the caller's APIv3 key (a
 * merchant calling with its own certificate: its own) with associated_data `certificate`.
 * GCM_TAMPER on this route spoils the ciphertext.
 */
export function certificateRoutes (wx: WxpayState, router: Router): void {
  v3Route(wx, router, 'GET', '/v3/certificates', ({ caller, fault }) => {
    const cert = wx.platform.certificate
    const encrypted = encryptResource(cert.certificatePem, caller.apiV3Key, 'certificate')
    return {
      status: 200,
      body: {
        data: [{
          serial_no: cert.serial,
          effective_time: rfc3339China(cert.notBefore),
          expire_time: rfc3339China(cert.notAfter),
          encrypt_certificate: fault === 'GCM_TAMPER' ? tamper(encrypted) : encrypted,
        }],
      },
    }
  }, { merchants: true })
}
