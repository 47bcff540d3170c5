export default definePageConfig({
  navigationBarTitleText: '导入旧会员余额',
})
