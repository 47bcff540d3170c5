import type { ChannelHosts } from '../config'
import { createAlipayAdapter } from './alipay/adapter'
import { createAlipayDepositAdapter } from './alipay/deposit'
import type { DepositAdapter } from './deposits'
import { instrumentAdapter, type ChannelMetrics } from './instrumented'
import type { ChannelAdapter, ChannelName } from './types'
import { createWechatPayAdapter } from './wechat-pay/adapter'
import { createWechatDepositAdapter } from './wechat-pay/deposit'

/** One adapter per channel, by name: an explicit object, not string lookups of modules. */
export type ChannelRegistry = Readonly<Record<ChannelName, ChannelAdapter>>

/** With `metrics`, every call is counted by outcome and timed (instrumented.ts). */
export function createChannelRegistry (hosts: ChannelHosts, metrics?: ChannelMetrics): ChannelRegistry {
  const adapters: ChannelRegistry = {
    wechat_pay: createWechatPayAdapter({ baseUrl: hosts.wxpayBaseUrl }),
    alipay: createAlipayAdapter({ gateway: hosts.alipayGateway }),
  }
  if (metrics === undefined) return adapters
  return { wechat_pay: instrumentAdapter(adapters.wechat_pay, metrics), alipay: instrumentAdapter(adapters.alipay, metrics) }
}

/** The deposit (押金) APIs of each channel (P8), beside the payment adapters. */
export type DepositRegistry = Readonly<Record<ChannelName, DepositAdapter>>

export function createDepositRegistry (hosts: ChannelHosts, metrics?: ChannelMetrics): DepositRegistry {
  const adapters: DepositRegistry = {
    wechat_pay: createWechatDepositAdapter({ baseUrl: hosts.wxpayBaseUrl }),
    alipay: createAlipayDepositAdapter({ gateway: hosts.alipayGateway }),
  }
  if (metrics === undefined) return adapters
  return { wechat_pay: instrumentAdapter(adapters.wechat_pay, metrics), alipay: instrumentAdapter(adapters.alipay, metrics) }
}
