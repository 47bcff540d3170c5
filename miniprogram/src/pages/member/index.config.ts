export default definePageConfig({
  navigationBarTitleText: '会员信息',
  onReachBottomDistance: 80,
})
