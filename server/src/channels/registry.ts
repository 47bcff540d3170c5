import type { ChannelHosts } from '../config'
import { createAlipayAdapter } from './alipay/adapter'
import type { ChannelAdapter, ChannelName } from './types'
import { createWechatPayAdapter } from './wechat-pay/adapter'

/** One adapter per channel, by name: an explicit object, not string lookups of modules. */
export type ChannelRegistry = Readonly<Record<ChannelName, ChannelAdapter>>

export function createChannelRegistry (hosts: ChannelHosts): ChannelRegistry {
  return {
    wechat_pay: createWechatPayAdapter({ baseUrl: hosts.wxpayBaseUrl }),
    alipay: createAlipayAdapter({ gateway: hosts.alipayGateway }),
  }
}
