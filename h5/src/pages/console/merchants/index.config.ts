export default definePageConfig({
  navigationBarTitleText: '子商户管理',
})
