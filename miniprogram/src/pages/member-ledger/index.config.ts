export default definePageConfig({
  navigationBarTitleText: '会员卡余额流水',
  onReachBottomDistance: 80,
})
