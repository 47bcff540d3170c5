export default definePageConfig({
  navigationBarTitleText: '店员信息',
})
