export default definePageConfig({
  navigationBarTitleText: 'yima',
})
