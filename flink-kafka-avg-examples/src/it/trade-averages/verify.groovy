// Run by maven-invoker-plugin after the consumer build: what the job JAR a user ships must and must not hold.
import java.util.jar.JarFile

def jar = new File(basedir, 'target/trade-averages-1.0-SNAPSHOT.jar')
assert jar.isFile() : "no shaded job JAR at ${jar}"
def problems = []
new JarFile(jar).withCloseable { file ->
    def names = file.entries().collect { it.name } as Set

    // the job, the library, the Flink Kafka connector, the Kafka client and Jackson travel with the job
    ['com/example/trades/TradeAverageJob.class',
     'io/github/flinkkafkaavg/connectors/SlidingAverage.class',
     'io/github/flinkkafkaavg/core/engine/KeyedSlidingWindows.class',
     'org/apache/flink/connector/kafka/source/KafkaSource.class',
     'org/apache/kafka/clients/producer/KafkaProducer.class',
     'com/fasterxml/jackson/databind/ObjectMapper.class',
     // toDatabase: Flink's JDBC sink and the PostgreSQL driver travel with it too
     'org/apache/flink/connector/jdbc/core/datastream/sink/JdbcSink.class',
     'org/postgresql/Driver.class'].each {
        if (!names.contains(it)) problems << "missing ${it}"
    }
    // what the cluster provides, and what only tests need, must not
    ['org/apache/flink/streaming/api/environment/', 'org/apache/flink/connector/base/', 'org/apache/flink/runtime/',
     'io/github/flinkkafkaavg/testkit/', 'io/zonky/', 'kafka/server/', 'scala/', 'org/junit/', 'org/slf4j/',
     'org/apache/logging/log4j/'].each { prefix ->
        def found = names.findAll { it.startsWith(prefix) }
        if (found) problems << "${found.size()} entries under ${prefix}, e.g. ${found.first()}"
    }
    def main = file.manifest?.mainAttributes?.getValue('Main-Class')
    if (main != 'com.example.trades.TradeAverageJob') problems << "Main-Class is ${main}"

    // one Jackson: every Jackson module of one release (annotations drop the patch since 2.20), core = databind
    def versions = names.findAll { it ==~ /META-INF\/maven\/com\.fasterxml\.jackson[^\/]*\/[^\/]+\/pom\.properties/ }
            .collectEntries { name ->
                def props = new Properties()
                file.getInputStream(file.getEntry(name)).withCloseable { props.load(it) }
                [(props.getProperty('artifactId')): props.getProperty('version')]
            }
    def minors = versions.values().collect { it.tokenize('.').take(2).join('.') } as Set
    if (!versions.containsKey('jackson-databind') || versions['jackson-core'] != versions['jackson-databind']
            || minors.size() != 1) {
        problems << "mixed Jackson versions ${versions}"
    }
    println "job JAR ${jar.name}: ${names.size()} entries, Jackson ${versions}"
    println "built with the local repository ${localRepositoryPath}"
}
def installed = new File(localRepositoryPath, 'io/github/flinkkafkaavg/flink-kafka-avg-connectors')
if (!installed.isDirectory()) problems << "the library is not in the consumer's local repository ${localRepositoryPath}"
assert problems.isEmpty() : problems.join('\n')
return true
