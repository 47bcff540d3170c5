module.exports = require('../shared/test/taro/jest-preset')(__dirname)
