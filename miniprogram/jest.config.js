module.exports = require('../shared/taro/jest-preset')(__dirname)
