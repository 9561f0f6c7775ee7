# CocoaPods spec for the KivyxOta native module (ios/); autolinking picks it up from the package root.
require "json"

package = JSON.parse(File.read(File.join(__dir__, "package.json")))

Pod::Spec.new do |s|
  s.name         = "kivyx-ota-client-react-native"
  # Swift module name for `import KivyxOtaClient` in AppDelegate (not "KivyxOta": a module named
  # like its class breaks qualified lookups such as KivyxOta.bundleURL()).
  s.module_name  = "KivyxOtaClient"
  s.version      = package["version"]
  s.summary      = package["description"]
  s.license      = package["license"]
  s.homepage     = "https://github.com/kivyx/kivyx-ota"
  s.authors      = "Kivyx"
  s.platforms    = { :ios => "13.4" }
  s.source       = { :git => "https://github.com/kivyx/kivyx-ota.git", :tag => "v#{s.version}" }
  s.source_files = "ios/**/*.{h,m,swift}"
  s.swift_version = "5.0"

  # React Native >= 0.71 provides this helper (React-Core plus new-architecture settings).
  if respond_to?(:install_modules_dependencies, true)
    install_modules_dependencies(s)
  else
    s.dependency "React-Core"
  end
end
