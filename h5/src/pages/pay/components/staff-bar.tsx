import { Text, View } from '@tarojs/components'
import { roleLabel } from '../../../lib/pay-staff'
import type { StaffBarState } from '../use-staff'

/**
 * 店员：<name> · 在班/未上班, with 上班打卡 or 下班打卡, for the store's own clerk or manager on
 * the store code's pay page. Nothing for a customer.
 */
export function StaffBar ({ bar }: { bar: StaffBarState }) {
  const { staff } = bar
  if (staff === null) return null
  const on = staff.onDuty
  const label = bar.busy ? '打卡中…' : on ? '下班打卡' : '上班打卡'
  return (
    <View className={`pay-staff pay-staff--${on ? 'on' : 'off'}`}>
      <View className='pay-staff__bar'>
        <View className='pay-staff__text'>
          <Text className='pay-staff__name'>{`${roleLabel(staff.role)}：${staff.name}`}</Text>
          <Text className='pay-staff__sep'> · </Text>
          <Text className='pay-staff__status'>{on ? '在班' : '未上班'}</Text>
        </View>
        <View
          className={`pay-staff__button pay-staff__button--${on ? 'out' : 'in'} ${bar.busy ? 'pay-staff__button--busy' : ''}`}
          onClick={bar.busy ? undefined : on ? bar.askClockOut : bar.clockIn}
        >
          {label}
        </View>
      </View>
      {bar.error === null ? null : <View className='pay-staff__error'>{bar.error}</View>}
      {bar.confirming
        ? (
          <View className='pay-dialog'>
            <View className='pay-dialog__mask' onClick={() => { bar.cancelClockOut() }} />
            <View className='pay-dialog__box'>
              <View className='pay-dialog__title'>确认下班打卡？</View>
              <View className='pay-dialog__message'>下班后将不再收到收款消息</View>
              <View className='pay-dialog__actions'>
                <View className='pay-dialog__cancel' onClick={() => { bar.cancelClockOut() }}>取消</View>
                <View className='pay-dialog__confirm' onClick={() => { bar.confirmClockOut() }}>确认下班</View>
              </View>
            </View>
          </View>
          )
        : null}
    </View>
  )
}
