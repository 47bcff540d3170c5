export default definePageConfig({
  navigationBarTitleText: '支付完成页广告',
})
