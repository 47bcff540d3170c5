export default definePageConfig({
  navigationBarTitleText: '子商户信息',
})
