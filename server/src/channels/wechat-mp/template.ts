import { wechatCall } from './client'

/**
 * `POST /cgi-bin/message/template/send` (模板消息), field names verbatim. `client_msg_id` makes WeChat
 * send one message per (openid, id) within 10 minutes, so a retried job does not tell a clerk twice.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
 */
export interface TemplateMessage {
  touser: string
  template_id: string
  url?: string
  miniprogram?: { appid: string, pagepath?: string }
  client_msg_id?: string
  data: Record<string, { value: string }>
}

/**
 * The errcodes after which sending the same message again cannot work: the person does not
 * follow the account (43004) or blocked it (43019), the openid is not of this account (40003),
 * the template is wrong or gone (40037), the data does not fit it (47001), the account lacks the
 * permission (48001), or its daily quota is used up (45009). Anything else (-1 system busy,
 * transport failures) is worth another try.
 */
export const TEMPLATE_DEFINITIVE_ERRCODES: ReadonlySet<number> = new Set([40003, 40037, 43004, 43019, 45009, 47001, 48001, 40013, 40125, 40164, 41030, 61003, 61023])

/** Sends one template message; throws WechatApiError on a refusal and a plain Error on transport failure. */
export async function sendTemplateMessage (api: string, accessToken: string, message: TemplateMessage, signal?: AbortSignal): Promise<{ msgid: number }> {
  return await wechatCall<{ msgid: number }>(api, 'cgi-bin/message/template/send', {
    query: { access_token: accessToken },
    body: message,
    ...(signal === undefined ? {} : { signal }),
  })
}
