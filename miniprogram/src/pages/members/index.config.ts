export default definePageConfig({
  navigationBarTitleText: '会员管理',
})
