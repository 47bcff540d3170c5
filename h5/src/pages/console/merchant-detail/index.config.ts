export default definePageConfig({
  navigationBarTitleText: '子商户详情',
})
