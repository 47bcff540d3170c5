export default definePageConfig({
  navigationBarTitleText: '添加店员',
})
