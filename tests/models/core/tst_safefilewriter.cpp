#include "core/error.h"
#include "core/inputfile.h"
#include "core/safefilewriter.h"
#include "testfiles.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace salvage;
using salvage::test::fileContents;
using salvage::test::putFile;

class TestSafeFileWriter : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    /// Only the files the test made: no temporary file of the writer is left behind.
    QStringList entries() const
    {
        return QDir(m_dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot | QDir::System);
    }

private Q_SLOTS:
    void init()
    {
        for (const QString &name : entries())
            QVERIFY(QFile::remove(path(name)) || QDir(path(name)).removeRecursively());
    }

    void writesANewFile()
    {
        SafeFileWriter::save(path(QStringLiteral("new.txt")), "hello\n");
        QCOMPARE(fileContents(path(QStringLiteral("new.txt"))), QByteArray("hello\n"));
        QCOMPARE(entries(), QStringList { QStringLiteral("new.txt") });
    }

    void keepsAnExistingFileUnlessAsked()
    {
        putFile(path(QStringLiteral("undo.sql")), "precious");
        SafeFileWriter writer(path(QStringLiteral("undo.sql")));
        QVERIFY(!writer.open(QIODevice::WriteOnly));
        QVERIFY(writer.refusedExisting());
        QVERIFY2(writer.errorString().contains(QStringLiteral("already exists")), qPrintable(writer.errorString()));
        QCOMPARE(fileContents(path(QStringLiteral("undo.sql"))), QByteArray("precious"));
        QCOMPARE(entries(), QStringList { QStringLiteral("undo.sql") });
    }

    void aFileCreatedMeanwhileIsNotReplaced()
    {
        SafeFileWriter writer(path(QStringLiteral("race.txt")));
        QVERIFY(writer.open(QIODevice::WriteOnly));
        writer.write("ours");
        putFile(path(QStringLiteral("race.txt")), "theirs");
        QVERIFY(!writer.commit());
        QCOMPARE(fileContents(path(QStringLiteral("race.txt"))), QByteArray("theirs"));
        QCOMPARE(entries(), QStringList { QStringLiteral("race.txt") });
    }

    void replacesWhenAskedAndKeepsPermissions()
    {
        putFile(path(QStringLiteral("report.md")), "old");
        QVERIFY(::chmod(QFile::encodeName(path(QStringLiteral("report.md"))).constData(), 0640) == 0);
        SafeFileWriter::save(path(QStringLiteral("report.md")), "new", SafeFileWriter::Existing::Replace);
        QCOMPARE(fileContents(path(QStringLiteral("report.md"))), QByteArray("new"));
        struct stat status = {};
        QVERIFY(::stat(QFile::encodeName(path(QStringLiteral("report.md"))).constData(), &status) == 0);
        QCOMPARE(int(status.st_mode & 0777), 0640);
    }

    void replacesTheFileBehindASymlink()
    {
        putFile(path(QStringLiteral("target.txt")), "old");
        QVERIFY(QFile::link(path(QStringLiteral("target.txt")), path(QStringLiteral("link.txt"))));
        SafeFileWriter::save(path(QStringLiteral("link.txt")), "new", SafeFileWriter::Existing::Replace);
        QVERIFY(QFileInfo(path(QStringLiteral("link.txt"))).isSymLink());
        QCOMPARE(fileContents(path(QStringLiteral("target.txt"))), QByteArray("new"));
    }

    void neverWritesIntoASpecialFile_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("device") << QStringLiteral("device");
        QTest::newRow("fifo") << QStringLiteral("fifo");
        QTest::newRow("directory") << QStringLiteral("directory");
        QTest::newRow("symlink to a fifo") << QStringLiteral("symlink");
        QTest::newRow("dangling symlink") << QStringLiteral("dangling");
    }

    void neverWritesIntoASpecialFile()
    {
        QFETCH(QString, kind);
        QString target = path(QStringLiteral("special"));
        if (kind == QLatin1String("device"))
            target = QStringLiteral("/dev/null");
        else if (kind == QLatin1String("directory"))
            QVERIFY(QDir().mkdir(target));
        else if (kind == QLatin1String("dangling"))
            QVERIFY(QFile::link(path(QStringLiteral("nothing")), target));
        else
            QVERIFY(::mkfifo(QFile::encodeName(path(QStringLiteral("fifo"))).constData(), 0600) == 0);
        if (kind == QLatin1String("fifo"))
            target = path(QStringLiteral("fifo"));
        if (kind == QLatin1String("symlink"))
            QVERIFY(QFile::link(path(QStringLiteral("fifo")), target));
        const QStringList before = entries();
        for (auto existing : { SafeFileWriter::Existing::Keep, SafeFileWriter::Existing::Replace }) {
            SafeFileWriter writer(target, existing);
            QVERIFY(!writer.open(QIODevice::WriteOnly));
            QVERIFY2(writer.errorString().contains(target), qPrintable(writer.errorString()));
        }
        QCOMPARE(entries(), before);
        if (kind == QLatin1String("device")) {
            struct stat status = {};
            QVERIFY(::stat("/dev/null", &status) == 0 && S_ISCHR(status.st_mode)); // still the device
        }
    }

    void aFailedWriteLeavesNothingAndSaysWhy()
    {
        // A file-size limit stands in for a full disk: write() fails with EFBIG.
        putFile(path(QStringLiteral("kept.txt")), "before");
        struct rlimit old = {};
        QVERIFY(::getrlimit(RLIMIT_FSIZE, &old) == 0);
        const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = old;
        small.rlim_cur = 4096;
        QVERIFY(::setrlimit(RLIMIT_FSIZE, &small) == 0);
        SafeFileWriter writer(path(QStringLiteral("kept.txt")), SafeFileWriter::Existing::Replace);
        const bool opened = writer.open(QIODevice::WriteOnly);
        const qint64 written = writer.write(QByteArray(64 * 1024, 'x'));
        const bool committed = writer.commit();
        ::setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, oldHandler);
        QVERIFY(opened);
        QCOMPARE(written, qint64(-1));
        QVERIFY(!committed);
        QVERIFY2(writer.errorString().contains(path(QStringLiteral("kept.txt")))
                && writer.errorString().contains(QStringLiteral("File too large")),
            qPrintable(writer.errorString()));
        QCOMPARE(fileContents(path(QStringLiteral("kept.txt"))), QByteArray("before"));
        QCOMPARE(entries(), QStringList { QStringLiteral("kept.txt") });
    }

    void anUncommittedWriterRemovesOnlyItsTemporaryFile()
    {
        {
            SafeFileWriter writer(path(QStringLiteral("cancelled.txt")));
            QVERIFY(writer.open(QIODevice::WriteOnly));
            writer.write("half");
            QCOMPARE(entries().size(), 1); // its temporary file
        }
        QVERIFY(entries().isEmpty());
    }

    void inputMustBeARegularFile()
    {
        putFile(path(QStringLiteral("log.txt")), "x");
        QVERIFY(QFile::link(path(QStringLiteral("log.txt")), path(QStringLiteral("log-link"))));
        QVERIFY(::mkfifo(QFile::encodeName(path(QStringLiteral("fifo"))).constData(), 0600) == 0);
        QCOMPARE(InputFile::problem(path(QStringLiteral("log.txt"))), QString());
        QCOMPARE(InputFile::problem(path(QStringLiteral("log-link"))), QString());
        QVERIFY(InputFile::problem(path(QStringLiteral("missing"))).contains(QStringLiteral("does not exist")));
        QVERIFY(InputFile::problem(path(QStringLiteral("fifo"))).contains(QStringLiteral("FIFO")));
        QVERIFY(InputFile::problem(QStringLiteral("/dev/zero")).contains(QStringLiteral("device")));
        QVERIFY(InputFile::problem(m_dir.path()).contains(QStringLiteral("directory")));
        QCOMPARE(InputFile::problem(m_dir.path(), InputFile::Kind::RegularFileOrDirectory), QString());
        QVERIFY_THROWS_EXCEPTION(Error, InputFile::require(QStringLiteral("/dev/zero"), QStringLiteral("the log")));
    }
};

QTEST_GUILESS_MAIN(TestSafeFileWriter)
#include "tst_safefilewriter.moc"
